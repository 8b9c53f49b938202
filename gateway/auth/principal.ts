import type { Permission } from '../../schemas/catalog';

/** Who is calling, established by authentication; tenant comes from here and nowhere else. */
export interface Principal {
  tenantId: string;
  /** Stable, non-secret identifier: `api-key:<keyId>` or `jwt:<sub>`. */
  id: string;
  scheme: 'api_key' | 'jwt';
  permissions: ReadonlySet<Permission>;
  keyId?: string;
  /**
   * When this credential stops working (a key's expiry or scheduled revocation; a token's `exp`,
   * or its key's end if that comes first); null = never. A credential never makes one that outlives it.
   */
  expiresAt: Date | null;
}

/** The earlier of two ends of life (null = never). */
export function earliest(a: Date | null | undefined, b: Date | null | undefined): Date | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a <= b ? a : b;
}
