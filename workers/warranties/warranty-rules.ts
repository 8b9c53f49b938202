import { BusinessRuleError, InputError } from '../../shared/errors';
import type { WarrantyRow } from './entities';

export const MAX_MONTHS = 120;
/** Longest coverage a warranty can reach through extensions (a business bound, far below any date limit). */
export const MAX_COVERAGE_MONTHS = 100 * 12;

/** `date` plus whole calendar months in UTC; the day is clamped to the month's end (Jan 31 + 1 = Feb 28/29). */
export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

export function checkMonths(months: number): void {
  if (!Number.isInteger(months) || months < 1 || months > MAX_MONTHS) {
    throw new InputError(`months must be a whole number from 1 to ${MAX_MONTHS}`, [{ path: 'months', message: `1..${MAX_MONTHS}` }]);
  }
}

/** Extensions stop at MAX_COVERAGE_MONTHS from the start: repeated ones must not walk endsAt out of any calendar. */
export function assertExtensible(w: Pick<WarrantyRow, 'id' | 'startsAt'>, endsAt: Date): void {
  if (endsAt.getTime() > addMonths(w.startsAt, MAX_COVERAGE_MONTHS).getTime()) {
    throw new BusinessRuleError(`warranty ${w.id} would cover more than ${MAX_COVERAGE_MONTHS} months from its start`, 'warranty_coverage_limit');
  }
}

/** The coverage period is [startsAt, endsAt): at endsAt the warranty has lapsed. */
export function hasLapsed(w: Pick<WarrantyRow, 'endsAt'>, now: Date): boolean {
  return now.getTime() >= w.endsAt.getTime();
}

/** Active and not lapsed (the expiry timer may not have run yet), else BusinessRuleError. */
export function assertInForce(w: Pick<WarrantyRow, 'id' | 'status' | 'endsAt'>, now: Date): void {
  if (w.status !== 'active') throw new BusinessRuleError(`warranty ${w.id} is ${w.status}, not active`, 'warranty_not_active');
  if (hasLapsed(w, now)) throw new BusinessRuleError(`warranty ${w.id} expired at ${w.endsAt.toISOString()}`, 'warranty_expired');
}

/** A claim needs a warranty in force whose coverage has started. */
export function assertClaimable(w: Pick<WarrantyRow, 'id' | 'status' | 'startsAt' | 'endsAt'>, now: Date): void {
  assertInForce(w, now);
  if (now.getTime() < w.startsAt.getTime()) {
    throw new BusinessRuleError(`warranty ${w.id} starts at ${w.startsAt.toISOString()}`, 'warranty_not_started');
  }
}
