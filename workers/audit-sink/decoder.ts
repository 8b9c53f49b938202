/**
 * Decodes Confluent wire-format Avro values (magic 0, schema id u32be, Avro body) with one avsc Type
 * per schema id, resolved from the registry once and then decoded synchronously: no promise and no
 * registry client call per message. The registry is asked only for an id not seen before (one request
 * per new id per batch, however many messages carry it).
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { PoisonMessageError } from '../../shared/errors';
import { REGISTRY_RETRY, classifyRegistryError } from '../../shared/registry';

interface AvroType {
  fromBuffer(buf: Buffer): unknown;
}

export interface SchemaSource {
  /** the schema instance of a registry id (avsc Type for Avro) */
  getSchema(id: number): Promise<unknown>;
}

export function schemaIdOf(value: Buffer | null): number | null {
  if (!value || value.length < 5 || value[0] !== 0) return null;
  return value.readUInt32BE(1);
}

export class AvroDecoder {
  private readonly types = new Map<number, AvroType>();
  /** ids the registry does not know (a poison message, not a reason to ask again for every copy) */
  private readonly unknown = new Map<number, Error>();

  constructor(private readonly registry: SchemaSource) {}

  static create(host: string): AvroDecoder {
    return new AvroDecoder(new SchemaRegistry({ host, retry: REGISTRY_RETRY }));
  }

  /** Number of schema ids resolved so far. */
  get cachedSchemas(): number {
    return this.types.size;
  }

  /**
   * Resolves every schema id of the batch not in the cache. Throws a retriable error when the
   * registry cannot be reached (the batch is then redelivered); an id it does not know is remembered
   * for this batch's decode() to report as poison.
   */
  async prepare(values: readonly (Buffer | null)[]): Promise<void> {
    const missing = new Set<number>();
    for (const v of values) {
      const id = schemaIdOf(v);
      if (id !== null && !this.types.has(id)) missing.add(id);
    }
    this.unknown.clear();
    for (const id of missing) {
      try {
        const schema = await this.registry.getSchema(id);
        if (typeof (schema as Partial<AvroType>).fromBuffer !== 'function') throw new PoisonMessageError(`schema ${id} is not an Avro schema`);
        this.types.set(id, schema as AvroType);
      } catch (err) {
        const e = err instanceof PoisonMessageError ? err : classifyRegistryError(err, true);
        if (!(e instanceof PoisonMessageError)) throw e;
        this.unknown.set(id, e);
      }
    }
  }

  /** Decodes one value whose schema id was prepared; undecodable input throws a PoisonMessageError. */
  decode(value: Buffer | null): Record<string, unknown> {
    const id = schemaIdOf(value);
    if (!value || id === null) throw new PoisonMessageError('value is empty, shorter than the wire-format header or has a wrong magic byte');
    const type = this.types.get(id);
    if (!type) throw this.unknown.get(id) ?? new PoisonMessageError(`schema ${id} was not resolved`);
    try {
      const out = type.fromBuffer(value.subarray(5));
      if (typeof out !== 'object' || out === null) throw new Error('not a record');
      return out as Record<string, unknown>;
    } catch (err) {
      throw new PoisonMessageError(`undecodable value: ${(err as Error).message.slice(0, 200)}`, err);
    }
  }
}
