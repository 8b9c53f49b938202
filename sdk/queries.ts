import { Operation, type OperationView, type WaitOptions } from './operation';
import { Paginator, type Page } from './pagination';
import type { HttpRequest, QueryValue, Transport } from './transport';
import type * as T from './types';

/**
 * Every route of the API that is not a catalog command, as the client calls it. The coverage test
 * (test/unit/sdk/coverage.test.ts) holds this table and the command table against the OpenAPI document.
 */
export const QUERY_ROUTES = {
  'orders.list': ['GET', '/v1/orders'],
  'orders.get': ['GET', '/v1/orders/:id'],
  'returns.list': ['GET', '/v1/returns'],
  'returns.get': ['GET', '/v1/returns/:id'],
  'shipments.list': ['GET', '/v1/shipments'],
  'shipments.get': ['GET', '/v1/shipments/:id'],
  'inventory.listItems': ['GET', '/v1/inventory/items'],
  'inventory.getItem': ['GET', '/v1/inventory/items/:id'],
  'inventory.listReservations': ['GET', '/v1/inventory/reservations'],
  'inventory.getReservation': ['GET', '/v1/inventory/reservations/:id'],
  'warranties.list': ['GET', '/v1/warranties'],
  'warranties.get': ['GET', '/v1/warranties/:id'],
  'warranties.listClaimsOf': ['GET', '/v1/warranties/:id/claims'],
  'warranties.listClaims': ['GET', '/v1/warranty-claims'],
  'warranties.getClaim': ['GET', '/v1/warranty-claims/:id'],
  'operations.get': ['GET', '/v1/operations/:id'],
  'operations.list': ['GET', '/v1/operations'],
  'operations.cancel': ['POST', '/v1/operations/:id/cancel'],
  'events.list': ['GET', '/v1/events'],
  'audit.list': ['GET', '/v1/audit/events'],
  'webhooks.create': ['POST', '/v1/webhooks'],
  'webhooks.list': ['GET', '/v1/webhooks'],
  'webhooks.get': ['GET', '/v1/webhooks/:id'],
  'webhooks.update': ['PATCH', '/v1/webhooks/:id'],
  'webhooks.delete': ['DELETE', '/v1/webhooks/:id'],
  'webhooks.disable': ['POST', '/v1/webhooks/:id/disable'],
  'webhooks.enable': ['POST', '/v1/webhooks/:id/enable'],
  'webhooks.rotateSecret': ['POST', '/v1/webhooks/:id/rotate-secret'],
  'webhooks.listDeliveries': ['GET', '/v1/webhooks/:id/deliveries'],
  'webhooks.redeliver': ['POST', '/v1/webhooks/:id/deliveries/:deliveryId/redeliver'],
  'apiKeys.create': ['POST', '/v1/api-keys'],
  'apiKeys.list': ['GET', '/v1/api-keys'],
  'apiKeys.rotate': ['POST', '/v1/api-keys/:id/rotate'],
  'apiKeys.revoke': ['DELETE', '/v1/api-keys/:id'],
  'auth.token': ['POST', '/v1/auth/token'],
} as const satisfies Record<string, readonly [HttpRequest['method'], string]>;

export type QueryRouteName = keyof typeof QUERY_ROUTES;

export interface CallOptions {
  signal?: AbortSignal;
}

function pathOf(name: QueryRouteName, params: Record<string, string>): string {
  return QUERY_ROUTES[name][1].replace(/:(\w+)/g, (_m, key: string) => {
    const value = params[key];
    if (value === undefined || value === '') throw new TypeError(`${name}: ${key} is required`);
    return encodeURIComponent(value);
  });
}

/** The calls behind the query namespaces: one route of QUERY_ROUTES each. */
export class Queries {
  constructor(private readonly transport: Transport) {}

  async call<R>(name: QueryRouteName, params: Record<string, string> = {}, extra: Partial<HttpRequest> = {}): Promise<{ body: R; headers: Headers }> {
    const [method] = QUERY_ROUTES[name];
    return this.transport.send<R>({ method, path: pathOf(name, params), ...extra });
  }

  async get<R>(name: QueryRouteName, params: Record<string, string>, opts: CallOptions = {}): Promise<T.Fetched<R>> {
    const answer = await this.call<R>(name, params, opts.signal ? { signal: opts.signal } : {});
    const body = answer.body as T.Fetched<R>;
    Object.defineProperty(body, 'etag', { value: answer.headers.get('etag') ?? undefined, enumerable: false });
    return body;
  }

  list<R>(
    name: QueryRouteName,
    params: Record<string, string>,
    query: object = {},
    pageOpts: { cursorParam?: string; endsAtShortPage?: number } = {},
  ): Paginator<R> {
    const { cursor, after, ...rest } = query as Record<string, QueryValue>;
    const cursorParam = pageOpts.cursorParam ?? 'cursor';
    const start = (cursorParam === 'after' ? after : cursor) ?? undefined;
    return new Paginator<R>(async (at) => (await this.call<Page<R>>(name, params, { query: { ...rest, [cursorParam]: at } })).body, {
      ...(start !== undefined ? { cursor: String(start) } : {}),
      ...(pageOpts.endsAtShortPage ? { endsAtShortPage: pageOpts.endsAtShortPage } : {}),
    });
  }

  async body<R>(name: QueryRouteName, params: Record<string, string>, body?: unknown, opts: CallOptions = {}): Promise<R> {
    return (await this.call<R>(name, params, { ...(body !== undefined ? { body } : {}), ...(opts.signal ? { signal: opts.signal } : {}) })).body;
  }
}

export function queryNamespaces(transport: Transport) {
  const q = new Queries(transport);
  const getOperation = async (id: string, opts?: CallOptions) =>
    new Operation(transport, (await q.call<OperationView>('operations.get', { id }, opts?.signal ? { signal: opts.signal } : {})).body);
  return {
    orders: {
      list: (query: T.OrderQuery = {}) => q.list<T.Order>('orders.list', {}, query),
      get: (id: string, opts?: CallOptions) => q.get<T.Order>('orders.get', { id }, opts),
    },
    returns: {
      list: (query: T.ReturnQuery = {}) => q.list<T.Return>('returns.list', {}, query),
      get: (id: string, opts?: CallOptions) => q.get<T.Return>('returns.get', { id }, opts),
    },
    shipments: {
      list: (query: T.ShipmentQuery = {}) => q.list<T.Shipment>('shipments.list', {}, query),
      get: (id: string, opts?: CallOptions) => q.get<T.Shipment>('shipments.get', { id }, opts),
    },
    inventory: {
      listItems: (query: T.PageQuery = {}) => q.list<T.InventoryItem>('inventory.listItems', {}, query),
      getItem: (sku: string, opts?: CallOptions) => q.get<T.InventoryItem>('inventory.getItem', { id: sku }, opts),
      listReservations: (query: T.ReservationQuery = {}) => q.list<T.Reservation>('inventory.listReservations', {}, query),
      getReservation: (id: string, opts?: CallOptions) => q.get<T.Reservation>('inventory.getReservation', { id }, opts),
    },
    warranties: {
      list: (query: T.WarrantyQuery = {}) => q.list<T.Warranty>('warranties.list', {}, query),
      get: (id: string, opts?: CallOptions) => q.get<T.Warranty>('warranties.get', { id }, opts),
      /** The claims of one warranty. */
      listClaimsOf: (warrantyId: string, query: Omit<T.WarrantyClaimQuery, 'warrantyId'> = {}) =>
        q.list<T.WarrantyClaim>('warranties.listClaimsOf', { id: warrantyId }, query),
      listClaims: (query: T.WarrantyClaimQuery = {}) => q.list<T.WarrantyClaim>('warranties.listClaims', {}, query),
      getClaim: (id: string, opts?: CallOptions) => q.get<T.WarrantyClaim>('warranties.getClaim', { id }, opts),
    },
    operations: {
      /** One operation as it is now; `Operation.wait()` (or `operations.wait`) waits for it to be done. */
      get: getOperation,
      /** `get` then `wait`: for an operation id kept from earlier (a Location header, a webhook). */
      wait: async (id: string, opts?: WaitOptions) => (await getOperation(id, opts)).wait(opts),
      list: (query: T.OperationQuery = {}) => q.list<OperationView>('operations.list', {}, query),
      /** Cancel an operation still `accepted`; its command is then skipped (409 once it was applied). */
      cancel: async (id: string, opts?: CallOptions) => new Operation(transport, await q.body<OperationView>('operations.cancel', { id }, {}, opts)),
    },
    events: {
      /**
       * The event feed from `after` (default: its start) until now: the iteration ends when the
       * feed is caught up; `paginator.cursor` is then where to poll next time.
       */
      list: (query: T.EventQuery = {}) =>
        q.list<T.DomainEvent>('events.list', {}, { ...query, limit: query.limit ?? 25 }, { cursorParam: 'after', endsAtShortPage: query.limit ?? 25 }),
    },
    audit: {
      list: (query: T.AuditQuery = {}) => q.list<T.AuditEvent>('audit.list', {}, query),
    },
    webhooks: {
      /** The answer carries the signing secret (`whsec_…`), shown this once: keep it for verifyWebhook. */
      create: (body: T.WebhookCreateBody, opts?: CallOptions) => q.body<T.WebhookEndpointWithSecret>('webhooks.create', {}, body, opts),
      list: (query: T.PageQuery = {}) => q.list<T.WebhookEndpoint>('webhooks.list', {}, query),
      get: (id: string, opts?: CallOptions) => q.get<T.WebhookEndpoint>('webhooks.get', { id }, opts),
      update: (id: string, body: T.WebhookUpdateBody, opts?: CallOptions) => q.body<T.WebhookEndpoint>('webhooks.update', { id }, body, opts),
      delete: (id: string, opts?: CallOptions) => q.body<T.WebhookEndpoint>('webhooks.delete', { id }, undefined, opts),
      disable: (id: string, opts?: CallOptions) => q.body<T.WebhookEndpoint>('webhooks.disable', { id }, {}, opts),
      enable: (id: string, opts?: CallOptions) => q.body<T.WebhookEndpoint>('webhooks.enable', { id }, {}, opts),
      rotateSecret: (id: string, opts?: CallOptions) => q.body<T.WebhookEndpointWithSecret>('webhooks.rotateSecret', { id }, {}, opts),
      listDeliveries: (id: string, query: T.DeliveryQuery = {}) => q.list<T.WebhookDelivery>('webhooks.listDeliveries', { id }, query),
      redeliver: (id: string, deliveryId: string, opts?: CallOptions) => q.body<T.WebhookDelivery>('webhooks.redeliver', { id, deliveryId }, {}, opts),
    },
    apiKeys: {
      /** The answer carries the key's secret, shown this once. */
      create: (body: T.ApiKeyCreateBody, opts?: CallOptions) => q.body<T.ApiKeyWithSecret>('apiKeys.create', {}, body, opts),
      list: (query: T.PageQuery = {}) => q.list<T.ApiKey>('apiKeys.list', {}, query),
      rotate: (id: string, opts?: CallOptions) => q.body<T.RotatedApiKey>('apiKeys.rotate', { id }, {}, opts),
      revoke: (id: string, opts?: CallOptions) => q.body<T.ApiKey>('apiKeys.revoke', { id }, undefined, opts),
    },
    auth: {
      /** Exchange the client's API key for a short-lived JWT (use it as `token` of another client). */
      token: (body: T.TokenBody = {}, opts?: CallOptions) => q.body<T.AccessToken>('auth.token', {}, body, opts),
    },
  };
}

export type QueryNamespaces = ReturnType<typeof queryNamespaces>;
