import { expect } from 'chai';
import fc from 'fast-check';
import { emptyRoot, hashChildren, hashLeaf, inclusionProof, merkleRoot, rootFromLeafHashes, verifyInclusion } from '../../../workers/audit-sink/store/merkle';

const hd = (h: string): Buffer => Buffer.from(h, 'hex');

// Known vectors of the RFC 6962 reference implementations (certificate-transparency / transparency-dev/merkle testonly).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hd);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const PROOFS: { index: number; size: number; path: string[] }[] = [
  { index: 0, size: 1, path: [] },
  { index: 0, size: 2, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'] },
  { index: 1, size: 2, path: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'] },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/** transparency-dev compact/range_test.go golden roots; leaf i = u16le(i). */
const GOLDEN_U16: { size: number; root: string }[] = [
  { size: 10, root: 'VjWMPSYNtCuCNlF/RLnQy6HcwSk6CIipfxm+hettA+4=' },
  { size: 15, root: 'j4SulYmocFuxdeyp12xXCIgK6PekBcxzAIj4zbQzNEI=' },
  { size: 16, root: 'c+4Uc6BCMOZf/v3NZK1kqTUJe+bBoFtOhP+P3SayKRE=' },
  { size: 100, root: 'dUh9hYH88p0CMoHkdr1wC2szbhcLAXOejWpINIooKUY=' },
  { size: 255, root: 'SmdsuKUqiod3RX2jyF2M6JnbdE4QuTwwipfAowI4/i0=' },
];

describe('audit merkle (RFC 6962)', () => {
  it('hashes leaves and nodes like the reference hasher', () => {
    expect(emptyRoot().toString('hex')).to.equal(ROOTS[0]);
    expect(hashLeaf(Buffer.alloc(0)).toString('hex')).to.equal(ROOTS[1]);
    expect(hashLeaf('L123456').toString('hex')).to.equal('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
    expect(hashChildren(Buffer.from('N123'), Buffer.from('N456')).toString('hex')).to.equal('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb');
  });

  it('computes the known roots for trees of size 0..8', () => {
    for (let n = 0; n <= 8; n += 1) {
      expect(merkleRoot(LEAVES.slice(0, n)).toString('hex'), `size ${n}`).to.equal(ROOTS[n]);
    }
  });

  it('computes the golden roots of larger trees', () => {
    for (const g of GOLDEN_U16) {
      const leaves = Array.from({ length: g.size }, (_, i) => Buffer.from([i & 0xff, (i >> 8) & 0xff]));
      expect(merkleRoot(leaves).toString('base64'), `size ${g.size}`).to.equal(g.root);
    }
  });

  it('generates and verifies the known audit paths', () => {
    for (const p of PROOFS) {
      const leafHashes = LEAVES.slice(0, p.size).map((l) => hashLeaf(l));
      const path = inclusionProof(leafHashes, p.index);
      expect(
        path.map((h) => h.toString('hex')),
        `${p.index}/${p.size}`,
      ).to.deep.equal(p.path);
      expect(verifyInclusion(p.index, p.size, leafHashes[p.index] as Buffer, path, hd(ROOTS[p.size] as string))).to.equal(true);
    }
  });

  it('rejects corrupted proofs of the known vectors', () => {
    const leafHashes = LEAVES.map((l) => hashLeaf(l));
    const root = hd(ROOTS[8] as string);
    const idx = 5;
    const path = inclusionProof(leafHashes, idx);
    const leaf = leafHashes[idx] as Buffer;
    expect(verifyInclusion(idx - 1, 8, leaf, path, root)).to.equal(false);
    expect(verifyInclusion(idx + 1, 8, leaf, path, root)).to.equal(false);
    expect(verifyInclusion(idx ^ 2, 8, leaf, path, root)).to.equal(false);
    expect(verifyInclusion(idx, 16, leaf, path, root)).to.equal(false);
    expect(verifyInclusion(idx, 4, leaf, path, root)).to.equal(false);
    expect(verifyInclusion(idx, 8, hashLeaf('WrongLeaf'), path, root)).to.equal(false);
    expect(verifyInclusion(idx, 8, leaf, path, emptyRoot())).to.equal(false);
    expect(verifyInclusion(idx, 8, leaf, [...path, root], root)).to.equal(false);
    expect(verifyInclusion(idx, 8, leaf, [root, ...path], root)).to.equal(false);
    expect(verifyInclusion(idx, 8, leaf, path.slice(0, -1), root)).to.equal(false);
    for (let i = 0; i < path.length; i += 1) {
      const bad = path.map((h) => Buffer.from(h));
      const b = bad[i] as Buffer;
      b[0] = (b[0] as number) ^ 8;
      expect(verifyInclusion(idx, 8, leaf, bad, root)).to.equal(false);
    }
    expect(verifyInclusion(0, 0, leaf, [], root)).to.equal(false);
  });

  it('property: every proof of every leaf verifies against the root', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 16 }), { minLength: 1, maxLength: 70 }), (data) => {
        const leaves = data.map((d) => hashLeaf(d));
        const root = rootFromLeafHashes(leaves);
        leaves.forEach((leaf, i) => {
          expect(verifyInclusion(i, leaves.length, leaf, inclusionProof(leaves, i), root)).to.equal(true);
        });
      }),
      { seed: 6962, numRuns: 150 },
    );
  });

  it('property: a changed leaf or a changed path element fails verification', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 16 }), { minLength: 1, maxLength: 70 }),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 16 }),
        fc.nat(),
        (data, pick, other, byte) => {
          const leaves = data.map((d) => hashLeaf(d));
          const root = rootFromLeafHashes(leaves);
          const i = pick % leaves.length;
          const path = inclusionProof(leaves, i);
          const changed = Buffer.concat([Buffer.from(data[i] as Uint8Array), Buffer.from(other)]);
          expect(verifyInclusion(i, leaves.length, hashLeaf(changed), path, root)).to.equal(false);
          // the root of the tree with that leaf changed differs too
          const leaves2 = [...leaves];
          leaves2[i] = hashLeaf(changed);
          expect(rootFromLeafHashes(leaves2).equals(root)).to.equal(false);
          if (path.length > 0) {
            const bad = path.map((h) => Buffer.from(h));
            const j = byte % bad.length;
            const b = bad[j] as Buffer;
            b[byte % 32] = (b[byte % 32] as number) ^ 1;
            expect(verifyInclusion(i, leaves.length, leaves[i] as Buffer, bad, root)).to.equal(false);
          }
        },
      ),
      { seed: 1962, numRuns: 200 },
    );
  });
});
