/**
 * Bounds how many `Prefer: wait` long-polls one principal and one tenant hold open on this gateway.
 * A wait costs no query while it waits, but it holds a socket and memory: past the quota a request is
 * answered at once with the operation as it is (no `Preference-Applied`), so the client polls instead.
 */
export class WaitQuota {
  private readonly byPrincipal = new Map<string, number>();
  private readonly byTenant = new Map<string, number>();

  constructor(
    private readonly perPrincipal: number,
    private readonly perTenant: number,
  ) {}

  /** A release function when a wait may start; null when the principal or the tenant is at its quota. */
  acquire(tenantId: string, principalId: string): (() => void) | null {
    const p = `${tenantId}\u0000${principalId}`;
    if ((this.byPrincipal.get(p) ?? 0) >= this.perPrincipal || (this.byTenant.get(tenantId) ?? 0) >= this.perTenant) return null;
    bump(this.byPrincipal, p, 1);
    bump(this.byTenant, tenantId, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      bump(this.byPrincipal, p, -1);
      bump(this.byTenant, tenantId, -1);
    };
  }
}

function bump(m: Map<string, number>, k: string, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}
