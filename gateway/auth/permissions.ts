import { PERMISSIONS, type Permission } from '../../schemas/catalog';

export const ROLES = ['admin', 'manager', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

// Webhook endpoints say where tenant data is sent: not every reader's to see.
const READS = PERMISSIONS.filter((p) => p.endsWith(':read') && p !== 'audit:read' && p !== 'metrics:read' && p !== 'webhooks:read');
const DOMAIN_WRITES = PERMISSIONS.filter((p) => p.endsWith(':write'));

/** Deny by default: a role holds exactly the permissions listed here. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  manager: [...READS, ...DOMAIN_WRITES, 'audit:read', 'webhooks:read'],
  operator: [...READS, ...DOMAIN_WRITES],
  viewer: READS,
};

export function isRole(x: string): x is Role {
  return (ROLES as readonly string[]).includes(x);
}

export function isPermission(x: string): x is Permission {
  return (PERMISSIONS as readonly string[]).includes(x);
}
