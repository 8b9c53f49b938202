import { AUDIT_SCHEMA_FILE, commands, events } from '../../schemas/catalog';
import { topicNames } from '../../schemas/topics';
import type { SchemaCodec } from './codec';

/** Every (topic, schema) pair of the contract. */
export function plannedSubjects(prefix: string): { topic: string; schemaFile: string }[] {
  const t = topicNames(prefix);
  return [
    ...commands.map((c) => ({ topic: t.commands(c.domain), schemaFile: c.schemaFile })),
    ...events.map((e) => ({ topic: t.events(e.domain), schemaFile: e.schemaFile })),
    { topic: t.audit, schemaFile: AUDIT_SCHEMA_FILE },
  ];
}

export async function registerAllSchemas(codec: SchemaCodec, prefix: string): Promise<number> {
  const plan = plannedSubjects(prefix);
  for (const p of plan) await codec.register(p.topic, p.schemaFile);
  return plan.length;
}
