import type { EntitySchema } from '@mikro-orm/core';
import type { Domain } from '../schemas/catalog/types';
import { inventoryEntities } from './inventory/entities';
import { orderEntities } from './orders/entities';
import { returnEntities } from './returns/entities';
import { shipmentEntities } from './shipments/entities';
import { warrantyEntities } from './warranties/entities';

/** Each domain's entities: the tables its worker owns (and writes; shared/orm/role-plan.ts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entity schemas of different row types
export const DOMAIN_ENTITIES: Record<Domain, readonly EntitySchema<any>[]> = {
  orders: orderEntities,
  inventory: inventoryEntities,
  returns: returnEntities,
  shipments: shipmentEntities,
  warranties: warrantyEntities,
};

/**
 * Every domain's tables, for the one ORM a process builds (the gateway reads them all). Kept apart
 * from domains.ts so that loading the ORM does not load every handler.
 */
export const domainEntities = [...orderEntities, ...inventoryEntities, ...returnEntities, ...shipmentEntities, ...warrantyEntities];
