import { defineHandler } from '../../../shared/worker';
import { BusinessRuleError } from '../../../shared/errors';
import { reserveStock } from '../stock';

/** Builds the handler with the default TTL from config. */
export function inventoryReserve(defaultTtlSeconds: number) {
  return defineHandler({
    command: 'inventory.reserve.v1',
    async handle(cmd, ctx) {
      const r = await reserveStock(ctx, cmd.reservationId, cmd.orderId, cmd.lines, cmd.ttlSeconds ?? defaultTtlSeconds);
      if (!r.ok) throw new BusinessRuleError(r.reason, 'insufficient_stock');
      return { type: 'reservation', id: cmd.reservationId };
    },
  });
}
