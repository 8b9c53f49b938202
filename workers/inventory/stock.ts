import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  InventoryAdjustment,
  InventoryBalance,
  InventoryItem,
  Reservation,
  type InventoryBalanceRow,
  type ReservationLineValue,
  type ReservationRow,
  type ReservationStatus,
} from './entities';
import { BusinessRuleError, NotFoundError } from '../../shared/errors';
import type { HandlerContext } from '../../shared/worker';
import { HOLDING, reservationStates } from './reservation-states';
import { stockVersion } from './stock-version';

/** What stock changes need from a handler context; the expiry timer provides the same. */
export type StockEffects = Pick<HandlerContext, 'em' | 'tenantId' | 'emit' | 'stateChanged'> & { operationId: string | null };

/** Locks the balance row for this transaction (SELECT … FOR UPDATE), creating it at zero if absent. */
export async function lockBalance(em: EntityManager, tenantId: string, sku: string, locationId: string): Promise<InventoryBalanceRow> {
  const item = await em.findOne(InventoryItem, { tenantId, sku });
  if (!item) throw new NotFoundError(`inventory item ${sku} not found`);
  await em.getConnection().execute(
    `insert into inventory_balances (tenant_id, sku, location_id, on_hand, reserved, version, updated_at)
     values (?, ?, ?, 0, 0, 1, now()) on conflict do nothing`,
    [tenantId, sku, locationId],
    'run',
    em.getTransactionContext(),
  );
  const balance = await em.findOne(InventoryBalance, { tenantId, sku, locationId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!balance) throw new NotFoundError(`balance of ${sku} at ${locationId} not found`);
  return balance;
}

/**
 * The version of an item's stock: 1 + the sum of its balances' versions. A change of a balance adds
 * 1 to its version and a new balance starts at 1, so the sum counts the item's stock changes; the
 * gateway answers it as the item's `version` and ETag (stockVersion). Locks the item's balances
 * until commit, in the (sku, location) order reservations use, so that no reservation moves the
 * stock between an If-Match check and the adjustment it guards.
 */
export async function lockStockVersion(em: EntityManager, tenantId: string, sku: string): Promise<{ version: number }> {
  const item = await em.findOne(InventoryItem, { tenantId, sku });
  if (!item) throw new NotFoundError(`inventory item ${sku} not found`);
  const rows = await em.execute<{ version: number }[]>(
    'select version from inventory_balances where tenant_id = ? and sku = ? order by location_id for update',
    [tenantId, sku],
  );
  return { version: stockVersion(rows) };
}

/**
 * Most units one balance may hold: a business bound well inside the 32-bit columns, so that no
 * sequence of accepted adjustments can reach a database range error (which would be retried and
 * dead-lettered, blocking the partition) — the command fails with a rule instead.
 */
export const MAX_ON_HAND = 1_000_000_000;

export function balanceEvent(b: InventoryBalanceRow, delta: number, reason: string) {
  return { sku: b.sku, locationId: b.locationId, delta, onHand: b.onHand, reserved: b.reserved, reason };
}

export async function adjustStock(fx: StockEffects, sku: string, locationId: string, delta: number, reason: string): Promise<InventoryBalanceRow> {
  const b = await lockBalance(fx.em, fx.tenantId, sku, locationId);
  const onHand = b.onHand + delta;
  if (onHand < 0 || onHand - b.reserved < 0) {
    throw new BusinessRuleError(`adjusting ${sku} at ${locationId} by ${delta} would leave available stock below zero`, 'available_not_negative');
  }
  if (onHand > MAX_ON_HAND) {
    throw new BusinessRuleError(`adjusting ${sku} at ${locationId} by ${delta} would hold more than ${MAX_ON_HAND} units`, 'stock_limit');
  }
  const before = b.onHand;
  b.onHand = onHand;
  fx.em.create(InventoryAdjustment, {
    id: randomUUID(),
    tenantId: fx.tenantId,
    sku,
    locationId,
    delta,
    reason,
    operationId: fx.operationId,
    createdAt: new Date(),
  });
  fx.emit('inventory.adjusted.v1', balanceEvent(b, delta, reason), b);
  fx.stateChanged('inventory_balance', `${sku}@${locationId}`, String(before), String(onHand), { delta, reason });
  return b;
}

export type ReserveOutcome = { ok: true; reservation: ReservationRow } | { ok: false; reason: string };

/**
 * Holds stock for every line or for none. Rows are locked in a fixed order (sku, location) so
 * two reservations touching the same SKUs cannot deadlock.
 */
export async function reserveStock(
  fx: StockEffects,
  reservationId: string,
  orderId: string,
  lines: ReservationLineValue[],
  ttlSeconds: number,
): Promise<ReserveOutcome> {
  const merged = new Map<string, ReservationLineValue>();
  for (const l of lines) {
    const k = `${l.sku}\u0000${l.locationId}`;
    const prev = merged.get(k);
    merged.set(k, { ...l, quantity: (prev?.quantity ?? 0) + l.quantity });
  }
  const ordered = [...merged.values()].sort((a, b) => (a.sku === b.sku ? a.locationId.localeCompare(b.locationId) : a.sku.localeCompare(b.sku)));
  const balances: InventoryBalanceRow[] = [];
  for (const l of ordered) {
    let b: InventoryBalanceRow;
    try {
      b = await lockBalance(fx.em, fx.tenantId, l.sku, l.locationId);
    } catch (err) {
      if (err instanceof NotFoundError) return { ok: false, reason: `unknown SKU ${l.sku}` };
      throw err;
    }
    const available = b.onHand - b.reserved;
    if (available < l.quantity) {
      return { ok: false, reason: `insufficient stock for ${l.sku} at ${l.locationId}: ${available} available, ${l.quantity} requested` };
    }
    balances.push(b);
  }
  ordered.forEach((l, i) => {
    balances[i]!.reserved += l.quantity;
  });
  const now = new Date();
  const reservation = fx.em.create(Reservation, {
    id: reservationId,
    tenantId: fx.tenantId,
    orderId,
    status: 'pending',
    lines: ordered,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  fx.emit('inventory.reserved.v1', { reservationId, orderId, lines: ordered, expiresAt: reservation.expiresAt.toISOString() }, reservation);
  fx.stateChanged('reservation', reservationId, null, 'pending', { orderId });
  return { ok: true, reservation };
}

/** Moves a reservation out of a holding state and gives its stock back. */
export async function endReservation(fx: StockEffects, r: ReservationRow, to: Exclude<ReservationStatus, 'pending' | 'confirmed'>): Promise<void> {
  reservationStates.assert(r.status, to);
  const from = r.status;
  if (HOLDING.includes(from)) {
    for (const l of [...r.lines].sort((a, b) => (a.sku === b.sku ? a.locationId.localeCompare(b.locationId) : a.sku.localeCompare(b.sku)))) {
      const b = await lockBalance(fx.em, fx.tenantId, l.sku, l.locationId);
      b.reserved = Math.max(0, b.reserved - l.quantity);
    }
  }
  r.status = to;
  fx.emit('inventory.reservation_status_changed.v1', { reservationId: r.id, orderId: r.orderId, from, to }, r);
  fx.stateChanged('reservation', r.id, from, to, { orderId: r.orderId });
}

export async function loadReservation(em: EntityManager, tenantId: string, id: string): Promise<ReservationRow> {
  const r = await em.findOne(Reservation, { id, tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!r) throw new NotFoundError(`reservation ${id} not found`);
  return r;
}
