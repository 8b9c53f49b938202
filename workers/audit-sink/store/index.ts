import { FsWormStore } from './fs-store';
import { S3WormStore } from './s3-store';
import type { WormStore, WormStoreConfig } from './types';

/** Creates the configured store; call `init()` before use. */
export function createWormStore(config: WormStoreConfig): WormStore {
  switch (config.kind) {
    case 'fs':
      return new FsWormStore(config);
    case 's3':
      return new S3WormStore(config);
  }
}

export * from './types';
export { canonicalJson, canonicalRecord, normalizeRecord } from './canonical';
export { GENESIS_HASH, chainHash } from './chain';
export { loadOrCreateSigningKey, resolvePublicKey, signCheckpoint, verifyCheckpointSignature, checkpointSigningInput } from './checkpoint';
export { hashLeaf, hashChildren, merkleRoot, rootFromLeafHashes, inclusionProof, verifyInclusion } from './merkle';
export { FsWormStore } from './fs-store';
export { S3WormStore } from './s3-store';
export { verifyStore, type VerifyOptions } from './verify';
export { IncrementalVerifier, type IncrementalResult, type IncrementalVerifyOptions } from './incremental';
export { createInclusionProof, verifyInclusionProof, type ProofCheck } from './proof';
