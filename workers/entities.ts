import { inventoryEntities } from './inventory/entities';
import { orderEntities } from './orders/entities';
import { returnEntities } from './returns/entities';
import { shipmentEntities } from './shipments/entities';
import { warrantyEntities } from './warranties/entities';

/**
 * Every domain's tables, for the one ORM a process builds (the gateway reads them all). Kept apart
 * from domains.ts so that loading the ORM does not load every handler.
 */
export const domainEntities = [...orderEntities, ...inventoryEntities, ...returnEntities, ...shipmentEntities, ...warrantyEntities];
