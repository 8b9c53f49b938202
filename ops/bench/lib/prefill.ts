import { randomUUID } from 'node:crypto';
import { CommandSigner, Publisher, toKafkaHeaders, type OutgoingMessage } from '../../../shared/kafka';
import { SchemaCodec } from '../../../shared/registry';
import { findCommand } from '../../../schemas/catalog';
import type { Platform } from './platform';

const CHUNK = 2000;

/**
 * Publishes `n` order.create.v1 commands (Avro, the headers the gateway sets) to `topic` in big
 * batches through the platform's Publisher, as tenant `tenantId`. Values are encoded with the
 * schema registered for the orders command topic, so any topic can carry them.
 */
export async function prefillOrderCreates(p: Platform, topic: string, n: number, tenantId: string): Promise<void> {
  const def = findCommand('order.create.v1')!;
  const codec = SchemaCodec.create(p.config.SCHEMA_REGISTRY_URL);
  const publisher = new Publisher(p.kafka, 30_000);
  // Signed as the gateway signs them: the worker under test verifies every command.
  const signer = new CommandSigner(p.config.COMMAND_SIGNING_KEY);
  const subjectTopic = p.topics.commands('orders');
  try {
    for (let at = 0; at < n; at += CHUNK) {
      const batch: OutgoingMessage[] = [];
      for (let i = at; i < Math.min(n, at + CHUNK); i++) {
        const orderId = randomUUID();
        const operationId = randomUUID();
        const payload = {
          orderId,
          customerId: `bench-${i}`,
          currency: 'EUR',
          items: [{ sku: 'BENCH-1', quantity: 2, unitPriceMinor: 1999 }],
          shippingAddress: null,
          billingAddress: null,
          notes: null,
        };
        batch.push(
          signer.signMessage({
            topic,
            key: orderId,
            value: await codec.encode(subjectTopic, def.schemaFile, payload),
            headers: toKafkaHeaders({
              'operation-id': operationId,
              'command-type': def.type,
              'tenant-id': tenantId,
              principal: 'bench',
              'request-id': `bench-${operationId}`,
              'occurred-at': new Date().toISOString(),
            }),
          }),
        );
      }
      await publisher.send(batch);
    }
  } finally {
    await publisher.close();
  }
}
