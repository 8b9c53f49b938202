import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { fullName, loadAvsc } from '../../schemas/load';
import { DependencyUnavailableError, InputError, PoisonMessageError, isUnreachable } from '../errors';
import { registryRetry } from '../retry';

/** One quick retry inside a call: a longer outage is the caller's to retry (the worker backs off). */
export const REGISTRY_RETRY = registryRetry({ initialMs: 100, maxMs: 500 }, 1);

/**
 * Avro encoding through a Confluent-compatible registry. Subjects follow the
 * TopicRecordNameStrategy, `<topic>-<record full name>`, so one topic can carry several types.
 */
export class SchemaCodec {
  private readonly ids = new Map<string, number>();
  /** One registration in flight per subject: concurrent first uses of a subject share it. */
  private readonly registering = new Map<string, Promise<number>>();

  constructor(private readonly registry: SchemaRegistry) {}

  static create(host: string): SchemaCodec {
    return new SchemaCodec(new SchemaRegistry({ host, retry: REGISTRY_RETRY }));
  }

  static subject(topic: string, schemaFile: string): string {
    return `${topic}-${fullName(loadAvsc(schemaFile))}`;
  }

  /** Registers (or finds) the schema under its subject; the registry enforces BACKWARD compatibility. */
  async register(topic: string, schemaFile: string): Promise<number> {
    const subject = SchemaCodec.subject(topic, schemaFile);
    const cached = this.ids.get(subject);
    if (cached !== undefined) return cached;
    let pending = this.registering.get(subject);
    if (!pending) {
      pending = this.registerNow(subject, schemaFile).finally(() => this.registering.delete(subject));
      this.registering.set(subject, pending);
    }
    return pending;
  }

  private async registerNow(subject: string, schemaFile: string): Promise<number> {
    try {
      const { id } = await this.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(loadAvsc(schemaFile)) }, { subject });
      this.ids.set(subject, id);
      return id;
    } catch (err) {
      throw classifyRegistryError(err);
    }
  }

  async encode(topic: string, schemaFile: string, payload: unknown): Promise<Buffer> {
    const id = await this.register(topic, schemaFile);
    try {
      return await this.registry.encode(id, payload);
    } catch (err) {
      if (isValidationError(err)) throw new InputError(`payload does not match ${schemaFile}: ${(err as Error).message}`);
      throw classifyRegistryError(err);
    }
  }

  /** Decodes a wire-format value. Undecodable input is a PoisonMessageError; an unreachable registry is retriable. */
  async decode(value: Buffer | null): Promise<Record<string, unknown>> {
    if (!value || value.length < 5) throw new PoisonMessageError('value is empty or shorter than the wire-format header');
    try {
      return (await this.registry.decode(value)) as Record<string, unknown>;
    } catch (err) {
      throw classifyRegistryError(err, true);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.registry.getLatestSchemaId('__stateset_readiness_probe__');
    } catch (err) {
      const e = classifyRegistryError(err);
      if (e instanceof DependencyUnavailableError) throw e;
      // a 404 for the probe subject means the registry answered
    }
  }
}

function isValidationError(err: unknown): boolean {
  return err instanceof Error && /ValidationError|Invalid ".*"|invalid/i.test(`${err.name} ${err.message}`);
}

function statusOf(err: unknown): number | undefined {
  const e = err as { status?: number; statusCode?: number; response?: { status?: number } };
  return e?.status ?? e?.statusCode ?? e?.response?.status;
}

/** Turns a registry or Avro error into ours: network trouble is retriable, bad bytes are poison. */
export function classifyRegistryError(err: unknown, decoding = false): Error {
  const status = statusOf(err);
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const network = isUnreachable(err) || /network/i.test(msg);
  if (network || (status !== undefined && status >= 500)) {
    return new DependencyUnavailableError('registry', network ? 'not reachable' : `answered ${status}`, err);
  }
  if (decoding) return new PoisonMessageError(`undecodable value: ${msg.slice(0, 200)}`, err);
  return err instanceof Error ? err : new Error(msg);
}
