import { inventoryAdjust } from './adjust';
import { inventoryItemCreate } from './item-create';
import { inventoryReserve } from './reserve';
import { reservationConfirm } from './reservation-confirm';
import { reservationRelease } from './reservation-release';

export function inventoryHandlers(reservationTtlSeconds: number) {
  return [inventoryItemCreate, inventoryAdjust, inventoryReserve(reservationTtlSeconds), reservationConfirm, reservationRelease];
}
