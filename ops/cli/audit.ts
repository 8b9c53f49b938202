import type { Config } from '../../shared/config';
import { createInclusionProof, ownPublicKey, trustedPublicKeyFor, verifyInclusionProof, verifyStore, type VerifyResult } from './audit-store';
import { wormStoreConfig } from '../../workers/audit-sink/store-config';
import { auditSinkGroupId, readAnchors, reconcileWithAnchors } from '../../workers/audit-sink/anchors';
import { failure } from '../../workers/audit-sink/store/segment-check';
import { keyIdOf } from '../../workers/audit-sink/store/checkpoint';
import type { PartitionHead } from '../../workers/audit-sink/store/types';
import { createKafka, kafkaOptions } from '../../shared/kafka';
import { cliLogger } from './config';
import { progressBar } from './progress';
import { initORM } from '../../shared/orm';
import { topicNames } from '../../schemas/topics';
import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * `stateset audit verify`: recomputes chains, Merkle roots and checkpoint signatures, then (unless
 * `anchors` is false) compares where each partition ends with Kafka's committed offset of the sink
 * group and the audit_events index, so a consistently cut tail is caught too. Exit 0 = intact.
 */
export async function auditVerify(
  config: Config,
  kind: 'fs' | 's3',
  opts: { progress: boolean; publicKey?: readonly string[]; anchors?: boolean },
): Promise<{ code: number; result: VerifyResult }> {
  const store = wormStoreConfig(config, kind);
  const bar = progressBar({ json: !opts.progress }, 'verifying [{bar}] {value}/{total} segments');
  const result = await verifyStore(store, {
    publicKey: opts.publicKey,
    onProgress: (done, total) => bar?.update(done, total),
  });
  bar?.stop();
  if (!result.ok || opts.anchors === false) return { code: result.ok ? 0 : 1, result };
  const mismatch = await compareWithAnchors(config, result.heads);
  return mismatch ? { code: 1, result: mismatch } : { code: 0, result };
}

async function compareWithAnchors(config: Config, heads: PartitionHead[]): Promise<VerifyResult | null> {
  const logger = cliLogger({ ...config, LOG_LEVEL: 'error' }, 'audit-verify');
  const kafka = createKafka(kafkaOptions(config, `${config.KAFKA_CLIENT_ID}-audit-verify`), logger);
  let orm: MikroORM | null = null;
  try {
    orm = await initORM(config);
    const anchors = await readAnchors({
      kafka,
      orm,
      groupId: auditSinkGroupId(config.KAFKA_TOPIC_PREFIX),
      topic: topicNames(config.KAFKA_TOPIC_PREFIX).audit,
    });
    return reconcileWithAnchors(heads, anchors);
  } catch (err) {
    return failure(
      null,
      'anchors',
      null,
      'anchor-unavailable',
      `Kafka's committed offsets or the audit_events index could not be read (${err instanceof Error ? err.message : String(err)}); use --no-anchors to verify the store alone`,
    );
  } finally {
    await orm?.close(true);
  }
}

/** `stateset audit proof <event-id>`: an inclusion proof, checked against the signed checkpoint before it is printed. */
export async function auditProof(config: Config, kind: 'fs' | 's3', eventId: string, publicKey?: readonly string[]) {
  const store = wormStoreConfig(config, kind);
  const proof = await createInclusionProof(store, eventId);
  if (!proof)
    return {
      code: 1,
      proof: null,
      check: { ok: false as const, reason: 'event not found in a sealed segment (not stored, or its segment is still open)' },
    };
  const check = await verifyInclusionProof(proof, await trustedPublicKeyFor(store, publicKey));
  return { code: check.ok ? 0 : 1, proof, check };
}

/**
 * `stateset audit public-key`: the public key that verifies this store's checkpoints and heads (SPKI
 * PEM) and its key id, to keep outside the host and pin with `audit verify --public-key`.
 */
export async function auditPublicKey(config: Config, kind: 'fs' | 's3'): Promise<{ pem: string; keyId: string }> {
  const key = await ownPublicKey(wormStoreConfig(config, kind));
  return { pem: key.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(key) };
}
