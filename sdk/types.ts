/**
 * What the API answers, typed from the gateway's own view functions where they are exported (so a
 * field added there shows here); type-only imports, nothing of the gateway is loaded at run time.
 */
import type { z } from 'zod';
import type { orderView } from '../gateway/routes/orders';
import type { returnView } from '../gateway/routes/returns';
import type { shipmentView } from '../gateway/routes/shipments';
import type { reservationView } from '../gateway/routes/inventory';
import type { warrantyClaimView, warrantyView } from '../gateway/routes/warranties';
import type { deliveryView, webhookCreateBody, webhookUpdateBody, webhookView } from '../gateway/routes/webhooks';
import type { apiKeyCreateBody, apiKeyView } from '../gateway/routes/api-keys';
import type { tokenBody } from '../gateway/routes/auth';
import type { CommandType, EventType, Permission } from '../schemas/catalog';
import type { Role } from '../gateway/auth/permissions';

export type Order = ReturnType<typeof orderView>;
export type Return = ReturnType<typeof returnView>;
export type Shipment = ReturnType<typeof shipmentView>;
export type Reservation = ReturnType<typeof reservationView>;
export type Warranty = ReturnType<typeof warrantyView>;
export type WarrantyClaim = ReturnType<typeof warrantyClaimView>;
export type WebhookEndpoint = ReturnType<typeof webhookView>;
export type WebhookDelivery = ReturnType<typeof deliveryView>;
export type ApiKey = ReturnType<typeof apiKeyView>;

/** GET /v1/inventory/items/{sku} (gateway/routes/inventory.ts builds it inside its route factory). */
export interface InventoryItem {
  sku: string;
  name: string;
  /** The stock version, the item's ETag. */
  version: number;
  description: string | null;
  onHand: number;
  reserved: number;
  available: number;
  locations: { locationId: string; onHand: number; reserved: number; available: number }[];
  createdAt: string;
  updatedAt: string;
}

/** One event of GET /v1/events; `payload` is the event as published to Kafka (docs/CATALOG.md). */
export interface DomainEvent {
  id: string;
  type: EventType;
  aggregateId: string;
  operationId: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** One record of GET /v1/audit/events. */
export interface AuditEvent {
  eventId: string;
  occurredAt: string;
  principal: string;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: 'success' | 'failure' | 'denied';
  requestId: string | null;
  operationId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  details: unknown;
  storage: { partition: number; offset: string };
}

export type WebhookCreateBody = z.input<typeof webhookCreateBody>;
export type WebhookUpdateBody = z.input<typeof webhookUpdateBody>;
export type ApiKeyCreateBody = z.input<typeof apiKeyCreateBody>;
export type TokenBody = z.input<typeof tokenBody>;

export type WebhookEndpointWithSecret = WebhookEndpoint & { secret: string };
export type ApiKeyWithSecret = ApiKey & { secret: string };
export type RotatedApiKey = ApiKeyWithSecret & { previous: { id: string; revokesAt: string } };
export interface AccessToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  permissions: Permission[];
}

/** Every listing takes these; `cursor` is the `nextCursor` of the page before (the iterators pass it for you). */
export interface PageQuery {
  /** Items per page, 1 to 100 (default 25). */
  limit?: number;
  cursor?: string;
}

export interface OrderQuery extends PageQuery {
  status?: Order['status'];
  customerId?: string;
}
export interface ReturnQuery extends PageQuery {
  status?: Return['status'];
  orderId?: string;
}
export interface ShipmentQuery extends PageQuery {
  status?: Shipment['status'];
  orderId?: string;
  carrier?: string;
}
export interface ReservationQuery extends PageQuery {
  status?: Reservation['status'];
  orderId?: string;
}
export interface WarrantyQuery extends PageQuery {
  status?: Warranty['status'];
  customerId?: string;
  sku?: string;
  orderId?: string;
}
export interface WarrantyClaimQuery extends PageQuery {
  status?: WarrantyClaim['status'];
  warrantyId?: string;
}
export interface OperationQuery extends PageQuery {
  status?: 'accepted' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  type?: CommandType;
  resourceId?: string;
  /** ISO 8601 with offset; exclusive. */
  createdAfter?: string;
}
export interface EventQuery {
  /** A feed position (`nextCursor` of an earlier read); without it the feed starts at its oldest event. */
  after?: string;
  type?: EventType;
  limit?: number;
}
export interface AuditQuery extends PageQuery {
  action?: string;
  outcome?: AuditEvent['outcome'];
  resourceType?: string;
  resourceId?: string;
  operationId?: string;
  principal?: string;
  from?: string;
  to?: string;
}
export interface DeliveryQuery extends PageQuery {
  status?: WebhookDelivery['status'];
}

export type { Role, Permission, CommandType, EventType };

/** A resource read by GET, with the ETag it was answered with (non-enumerable: not in JSON or deep equality). */
export type Fetched<T> = T & { readonly etag: string | undefined };
