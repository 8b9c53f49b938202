import type { Permission } from '../../schemas/catalog';

/** Who is calling, established by authentication; tenant comes from here and nowhere else. */
export interface Principal {
  tenantId: string;
  /** Stable, non-secret identifier: `api-key:<keyId>` or `jwt:<sub>`. */
  id: string;
  scheme: 'api_key' | 'jwt';
  permissions: ReadonlySet<Permission>;
  keyId?: string;
}
