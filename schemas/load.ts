import fs from 'node:fs';
import path from 'node:path';

export const SCHEMAS_DIR = __dirname.endsWith(path.join('dist', 'schemas')) ? path.resolve(__dirname, '..', '..', 'schemas') : __dirname;

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  fields: unknown[];
}

const cache = new Map<string, AvroRecordSchema>();

/** Reads an .avsc file below schemas/ (cached). */
export function loadAvsc(schemaFile: string): AvroRecordSchema {
  let s = cache.get(schemaFile);
  if (!s) {
    s = JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, schemaFile), 'utf8')) as AvroRecordSchema;
    cache.set(schemaFile, s);
  }
  return s;
}

export function fullName(schema: AvroRecordSchema): string {
  return schema.namespace ? `${schema.namespace}.${schema.name}` : schema.name;
}
