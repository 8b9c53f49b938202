import type { Kafka } from 'kafkajs';
import { readHeader } from '../../../shared/kafka';

export interface EventProbe {
  /** operation id → when its event arrived here, and the record's timestamp (both epoch ms). */
  arrivals: Map<string, { arrivedMs: number; timestampMs: number }>;
  stop(): Promise<void>;
}

/** Reads `topic` from the beginning as a group of its own and notes when each `eventType` arrived. */
export async function startEventProbe(kafka: Kafka, topic: string, groupId: string, eventType: string): Promise<EventProbe> {
  const arrivals: EventProbe['arrivals'] = new Map();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50, allowAutoTopicCreation: false });
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const arrivedMs = Date.now();
      if (readHeader(message.headers, 'event-type') !== eventType) return;
      const op = readHeader(message.headers, 'operation-id');
      if (op) arrivals.set(op, { arrivedMs, timestampMs: Number(message.timestamp) });
    },
  });
  await Promise.race([joined, new Promise((_, reject) => setTimeout(() => reject(new Error(`event probe did not join ${groupId}`)), 30_000))]);
  return { arrivals, stop: () => consumer.disconnect() };
}
