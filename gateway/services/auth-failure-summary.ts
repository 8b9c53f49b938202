/** What an address did while it was over its failed-authentication budget, in one window. */
export interface AuthFailureSummary {
  source: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
  /** Count per reason: the authentication failure's reason, or `not_checked` for a request refused before it. */
  reasons: Record<string, number>;
}

interface OpenSummary extends AuthFailureSummary {
  timer: NodeJS.Timeout;
}

/**
 * Requests refused because their address spent its failure budget are not audited one by one: a
 * flood of bad keys would otherwise cost a WORM record each, queued behind every tenant's events.
 * They are summed per address and window, and one record per address is written when its window
 * closes (or when the gateway stops).
 */
export class AuthFailureSummaries {
  private readonly open = new Map<string, OpenSummary>();

  constructor(
    private readonly windowMs: number,
    private readonly write: (s: AuthFailureSummary) => Promise<void>,
  ) {}

  add(source: string, reason: string, at = new Date()): void {
    let s = this.open.get(source);
    if (!s) {
      const timer = setTimeout(() => void this.flush(source), this.windowMs);
      timer.unref();
      s = { source, count: 0, firstAt: at, lastAt: at, reasons: {}, timer };
      this.open.set(source, s);
    }
    s.count += 1;
    s.lastAt = at;
    s.reasons[reason] = (s.reasons[reason] ?? 0) + 1;
  }

  async flush(source: string): Promise<void> {
    const s = this.open.get(source);
    if (!s) return;
    this.open.delete(source);
    clearTimeout(s.timer);
    const { timer: _timer, ...summary } = s;
    await this.write(summary);
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((k) => this.flush(k)));
  }
}
