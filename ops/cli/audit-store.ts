import type { KeyObject } from 'node:crypto';
import type { WormStoreConfig } from '../../workers/audit-sink/store';
import { trustedPublicKey } from '../../workers/audit-sink/store/verify';

export { createInclusionProof, verifyInclusionProof, verifyStore, type VerifyResult } from '../../workers/audit-sink/store';

export function trustedPublicKeyFor(store: WormStoreConfig, publicKey?: string): Promise<KeyObject> {
  return trustedPublicKey(store, publicKey);
}
