import type { Kafka } from 'kafkajs';
import { DOMAINS } from '../../schemas/catalog';
import { topicNames } from '../../schemas/topics';

export interface TopicPlan {
  topic: string;
  numPartitions: number;
}

export interface PartitionCounts {
  commands: number;
  events: number;
  audit: number;
}

/** Every topic of the contract, with partitions from config. Auto-creation is off on the broker. */
export function plannedTopics(prefix: string, p: PartitionCounts): TopicPlan[] {
  const t = topicNames(prefix);
  return [
    ...DOMAINS.flatMap((d) => [
      { topic: t.commands(d), numPartitions: p.commands },
      { topic: t.dlq(d), numPartitions: 1 },
      { topic: t.events(d), numPartitions: p.events },
    ]),
    { topic: t.audit, numPartitions: p.audit },
  ];
}

/** Creates missing topics; returns the names created. Existing topics are left as they are. */
export async function provisionTopics(kafka: Kafka, plan: TopicPlan[], replicationFactor: number): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = plan.filter((p) => !existing.has(p.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((m) => ({ topic: m.topic, numPartitions: m.numPartitions, replicationFactor })),
      });
    }
    return missing.map((m) => m.topic);
  } finally {
    await admin.disconnect();
  }
}
