import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../errors';

export interface PgConnection {
  /** DATABASE_URL without its TLS parameters (they are translated into `ssl`). */
  connectionString: string;
  ssl: false | ConnectionOptions;
}

/**
 * libpq's `sslmode` / `sslrootcert` URL parameters, translated once for every `pg` connection the
 * platform opens (the ORM pool and the notification listener): MikroORM builds its pool from the URL's
 * parts and drops them, and `pg` alone would read them with its own, different defaults.
 * verify-full checks the chain against sslrootcert (or the system CAs) and the host name; verify-ca
 * the chain only; require encrypts without verifying (libpq's meaning); disable / absent: no TLS.
 */
export function pgConnection(url: string): PgConnection {
  const u = new URL(url);
  const mode = u.searchParams.get('sslmode') ?? 'disable';
  const rootCert = u.searchParams.get('sslrootcert');
  for (const p of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey']) u.searchParams.delete(p);
  const connectionString = u.toString();
  let ca: Buffer | undefined;
  if (rootCert && mode !== 'disable') {
    try {
      ca = fs.readFileSync(rootCert);
    } catch {
      throw new ConfigError(`DATABASE_URL sslrootcert: cannot read ${rootCert}`);
    }
  }
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      return { connectionString, ssl: false };
    case 'require':
      return { connectionString, ssl: { rejectUnauthorized: false } };
    case 'verify-ca':
      return { connectionString, ssl: { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined } };
    case 'verify-full':
      return { connectionString, ssl: { ca, rejectUnauthorized: true } };
    default:
      throw new ConfigError(`DATABASE_URL sslmode=${mode} is not one of disable, require, verify-ca, verify-full`);
  }
}
