import type { WormStoreConfig } from '../../workers/audit-sink/store';
import type { TrustedKeys } from '../../workers/audit-sink/store/checkpoint';
import { ownPublicKey, trustedPublicKey } from '../../workers/audit-sink/store/verify';

export { createInclusionProof, verifyInclusionProof, verifyStore, type VerifyResult } from '../../workers/audit-sink/store';

export function trustedPublicKeyFor(store: WormStoreConfig, publicKey?: string | readonly string[]): Promise<TrustedKeys> {
  return trustedPublicKey(store, publicKey);
}

export { ownPublicKey };
