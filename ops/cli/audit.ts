import { SingleBar, Presets } from 'cli-progress';
import type { Config } from '../../shared/config';
import { createInclusionProof, trustedPublicKeyFor, verifyInclusionProof, verifyStore, type VerifyResult } from './audit-store';
import { wormStoreConfig } from '../../workers/audit-sink/store-config';

/** `stateset audit verify`: recomputes chains, Merkle roots and checkpoint signatures. Exit 0 = intact. */
export async function auditVerify(config: Config, kind: 'fs' | 's3', opts: { progress: boolean; publicKey?: string }): Promise<{ code: number; result: VerifyResult }> {
  const store = wormStoreConfig(config, kind);
  const bar = opts.progress && process.stderr.isTTY ? new SingleBar({ format: 'verifying [{bar}] {value}/{total} segments', stream: process.stderr }, Presets.shades_classic) : null;
  let started = false;
  const result = await verifyStore(store, {
    publicKey: opts.publicKey,
    onProgress(done, total) {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
  });
  bar?.stop();
  return { code: result.ok ? 0 : 1, result };
}

/** `stateset audit proof <event-id>`: an inclusion proof, checked against the signed checkpoint before it is printed. */
export async function auditProof(config: Config, kind: 'fs' | 's3', eventId: string, publicKey?: string) {
  const store = wormStoreConfig(config, kind);
  const proof = await createInclusionProof(store, eventId);
  if (!proof) return { code: 1, proof: null, check: { ok: false as const, reason: 'event not found in a sealed segment (not stored, or its segment is still open)' } };
  const check = await verifyInclusionProof(proof, await trustedPublicKeyFor(store, publicKey));
  return { code: check.ok ? 0 : 1, proof, check };
}
