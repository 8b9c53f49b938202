type Schema = Record<string, unknown>;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** A UUID's pattern (zod's) admits exactly 36 characters. */
const UUID_LENGTH = 36;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasType = (s: Schema, t: string) => s.type === t || (Array.isArray(s.type) && s.type.includes(t));

/**
 * Writes into a JSON Schema (from zod) the bounds its own constraints already imply but zod leaves
 * unsaid, so the document states limits the validation really keeps and adds none of its own:
 * an integer's `format` from its range (zod's integers are safe integers, so int64 at most), a
 * UUID's `maxLength`. A schema without a limit stays without one: the linters name it, and the
 * fix is a `.max()` in zod, which the gateway then enforces.
 */
export function withImpliedBounds(schema: unknown): void {
  if (Array.isArray(schema)) return schema.forEach(withImpliedBounds);
  if (!isSchema(schema)) return;
  if (hasType(schema, 'integer') && schema.format === undefined) {
    const min = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
    const max = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
    schema.format = min >= INT32_MIN && max <= INT32_MAX ? 'int32' : 'int64';
  }
  if (hasType(schema, 'string') && schema.format === 'uuid' && schema.maxLength === undefined) schema.maxLength = UUID_LENGTH;
  for (const key of ['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'not', 'additionalProperties']) withImpliedBounds(schema[key]);
  for (const key of ['properties', '$defs', 'patternProperties']) if (isSchema(schema[key])) Object.values(schema[key]).forEach(withImpliedBounds);
}
