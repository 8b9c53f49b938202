import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import { InventoryBalance, InventoryItem, Reservation, type InventoryItemRow, type ReservationRow } from '../../workers/inventory/entities';
import { sku } from '../../schemas/http/common';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import type { ReadCache } from '../services/read-cache';
import { getRoute, listRoute, loadOwned, tenantOf } from '../http/tenant-queries';
import { parseInput } from '../http/validate';
import { answeredNotModified, etagOf } from '../http/conditional';
import { stockVersion } from '../../workers/inventory/stock-version';

const skuParams = z.strictObject({ id: sku });
const reservationFilters = {
  status: z.enum(['pending', 'confirmed', 'released', 'expired', 'cancelled']).optional(),
  orderId: z.string().max(128).optional(),
};

export function reservationView(r: ReservationRow) {
  return {
    id: r.id,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines,
    expiresAt: r.expiresAt.toISOString(),
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function inventoryQueryRoutes(orm: MikroORM, cache: ReadCache): RouteSpec[] {
  const itemView = async (item: InventoryItemRow) => {
    const balances = await orm.em.fork().find(InventoryBalance, { tenantId: item.tenantId, sku: item.sku }, { orderBy: { locationId: 'asc' } });
    const locations = balances.map((b) => ({
      locationId: b.locationId,
      onHand: b.onHand,
      reserved: b.reserved,
      available: b.onHand - b.reserved,
    }));
    return {
      sku: item.sku,
      name: item.name,
      version: stockVersion(balances),
      description: item.description,
      onHand: locations.reduce((s, l) => s + l.onHand, 0),
      reserved: locations.reduce((s, l) => s + l.reserved, 0),
      available: locations.reduce((s, l) => s + l.available, 0),
      locations,
      createdAt: item.createdAt.toISOString(),
      updatedAt: item.updatedAt.toISOString(),
    };
  };
  return [
    listRoute({
      orm,
      entity: InventoryItem,
      path: '/v1/inventory/items',
      permission: 'inventory:read',
      tag: 'inventory',
      summary: 'List inventory items with their stock',
      filters: {},
      keyset: { time: 'createdAt', id: 'sku', order: 'desc' },
      view: itemView,
    }),
    // Not cached: an item's answer carries its balances, which change without the item's row. Its
    // version (and ETag) is its stock version, read in the same statement as the balances shown.
    defineRoute({
      method: 'get',
      path: '/v1/inventory/items/:id',
      permission: 'inventory:read',
      rateClass: 'read',
      tag: 'inventory',
      success: 200,
      etag: true,
      summary: 'One inventory item (by SKU) with balances per location',
      params: skuParams,
      async handler(req: Request, res: Response) {
        const { id } = parseInput(skuParams, req.params, 'params');
        const view = await itemView(await loadOwned(orm, InventoryItem, tenantOf(res), { sku: id }, 'inventory item'));
        if (answeredNotModified(req, res, etagOf(view.version))) return;
        res.json(view);
      },
    }),
    listRoute({
      orm,
      entity: Reservation,
      path: '/v1/inventory/reservations',
      permission: 'inventory:read',
      tag: 'inventory',
      summary: 'List reservations',
      filters: reservationFilters,
      view: reservationView,
    }),
    getRoute({
      orm,
      cache,
      entity: Reservation,
      path: '/v1/inventory/reservations/:id',
      permission: 'inventory:read',
      tag: 'inventory',
      summary: 'One reservation',
      name: 'reservation',
      view: reservationView,
    }),
  ];
}
