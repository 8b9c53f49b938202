import type { Admin } from 'kafkajs';
import type { Config } from '../../shared/config';
import { createKafka, kafkaOptions } from '../../shared/kafka';
import { cliLogger } from './config';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** the group's committed offset; null when it committed none there yet */
  committed: string | null;
  /** the next offset to be written (high watermark) */
  end: string;
  /** messages the group has still to process: end − committed (end − the first offset held when nothing was committed) */
  lag: number;
}

export interface GroupStatus {
  group: string;
  state: string;
  members: number;
  lag: number;
  partitions: PartitionLag[];
}

/**
 * `stateset topics status`: for each consumer group of this deployment (its ids begin with
 * `<KAFKA_TOPIC_PREFIX>stateset.`), the lag per partition of every topic it committed offsets on.
 */
export async function topicsStatus(config: Config, opts: { group?: string } = {}): Promise<GroupStatus[]> {
  const kafka = createKafka(kafkaOptions(config, `${config.KAFKA_CLIENT_ID}-topics-status`), cliLogger(config, 'topics-status', 'fatal'));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const prefix = `${config.KAFKA_TOPIC_PREFIX}stateset.`;
    const { groups } = await admin.listGroups();
    const ids = groups
      .map((g) => g.groupId)
      // Our own throwaway readers (dlq list/show) are not part of the deployment.
      .filter((id) => id.startsWith(prefix) && !id.startsWith(`${prefix}dlq-inspect.`))
      .filter((id) => !opts.group || id === opts.group)
      .sort();
    if (ids.length === 0) return [];
    const described = new Map((await admin.describeGroups(ids)).groups.map((g) => [g.groupId, g]));
    const ends = new Map<string, Map<number, { low: bigint; high: bigint }>>();
    const out: GroupStatus[] = [];
    for (const group of ids) {
      const committed = (await admin.fetchOffsets({ groupId: group })).filter((t) => t.topic.startsWith(config.KAFKA_TOPIC_PREFIX));
      const partitions: PartitionLag[] = [];
      for (const t of committed) {
        const topicEnds = ends.get(t.topic) ?? (await endsOf(admin, t.topic));
        ends.set(t.topic, topicEnds);
        for (const [partition, { low, high }] of [...topicEnds].sort(([a], [b]) => a - b)) {
          const c = t.partitions.find((p) => p.partition === partition);
          const at = c && BigInt(c.offset) >= 0n ? BigInt(c.offset) : null;
          const from = at ?? low;
          partitions.push({ topic: t.topic, partition, committed: at?.toString() ?? null, end: high.toString(), lag: Number(high > from ? high - from : 0n) });
        }
      }
      const d = described.get(group);
      out.push({ group, state: d?.state ?? 'Unknown', members: d?.members.length ?? 0, lag: partitions.reduce((n, p) => n + p.lag, 0), partitions });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

async function endsOf(admin: Admin, topic: string): Promise<Map<number, { low: bigint; high: bigint }>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
}
