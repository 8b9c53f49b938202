import type { Domain } from './catalog';

/** Topic names of the Kafka contract; `prefix` isolates test runs on a shared broker. */
export function topicNames(prefix = '') {
  return {
    commands: (d: Domain) => `${prefix}stateset.commands.${d}`,
    dlq: (d: Domain) => `${prefix}stateset.commands.${d}.dlq`,
    events: (d: Domain) => `${prefix}stateset.events.${d}`,
    audit: `${prefix}stateset.audit`,
  };
}
export type TopicNames = ReturnType<typeof topicNames>;
