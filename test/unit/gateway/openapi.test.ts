import { expect } from 'chai';
import { loadConfig } from '../../../shared/config';
import { commands } from '../../../schemas/catalog';
import { openApiDocument } from '../../../gateway/http/openapi-document';
import { withImpliedBounds } from '../../../gateway/http/openapi-bounds';
import { pageQuery } from '../../../gateway/http/pagination';
import { apiKeyCreateBody } from '../../../gateway/routes/api-keys';
import { operationListQuery } from '../../../gateway/routes/operations';
import { address, currencyCode, MAX_TIMESTAMP_LENGTH } from '../../../schemas/http/common';
import { assertOperationIds, commandOperationId, derivedOperationId, OPERATION_ID } from '../../../gateway/http/operation-id';

interface Operation {
  operationId: string;
  responses: Record<string, { headers?: Record<string, { $ref?: string }> }>;
}
type Doc = {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { headers: Record<string, unknown> };
};

const build = (overrides: Record<string, string> = {}) => openApiDocument(loadConfig({ NODE_ENV: 'test' }, overrides)) as unknown as Doc;
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method} ${path}`, op })));

describe('OpenAPI document', () => {
  const doc = build();

  it('is built without any running dependency and lists every command route', () => {
    expect(operations(doc).length).to.be.greaterThan(commands.length);
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ids = operations(doc).map(({ route, op }) => {
      expect(op.operationId, route).to.match(OPERATION_ID);
      return op.operationId;
    });
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('names command operations after their command type, the others after method and path', () => {
    const byRoute = new Map(operations(doc).map(({ route, op }) => [route, op.operationId]));
    expect(byRoute.get('post /v1/orders')).to.equal('orderCreate');
    expect(byRoute.get('post /v1/shipments/{id}/in-transit')).to.equal('shipmentInTransit');
    expect(byRoute.get('get /v1/orders/{id}')).to.equal('getOrdersById');
    expect(commandOperationId('inventory.reservation.confirm.v1')).to.equal('inventoryReservationConfirm');
    expect(commandOperationId('order.create.v2')).to.equal('orderCreateV2');
    expect(derivedOperationId('post', '/v1/orders/:id/cancel')).to.equal('postOrdersByIdCancel');
    expect(derivedOperationId('get', '/.well-known/jwks.json')).to.equal('getWellKnownJwksJson');
    expect(derivedOperationId('delete', '/v1/api-keys/:id')).to.equal('deleteApiKeysById');
  });

  it('refuses routes whose operationIds clash or are not camelCase', () => {
    expect(() =>
      assertOperationIds([
        { method: 'get', path: '/v1/a-b' },
        { method: 'get', path: '/v1/a/b' },
      ]),
    ).to.throw(/share the operationId getAB/);
    expect(() => assertOperationIds([{ method: 'get', path: '/v1/x', operationId: 'Get-x' }])).to.throw(/camelCase/);
  });

  it('declares the rate-limit headers on every response, Retry-After on every 429 and 503', () => {
    for (const { route, op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        const headers = response.headers ?? {};
        expect(headers, `${route} ${status}`).to.include.keys('RateLimit', 'RateLimit-Policy', 'X-Request-Id');
        if (status === '429' || status === '503' || status === '202') expect(headers, `${route} ${status}`).to.have.property('Retry-After');
        for (const h of Object.values(headers)) if (h.$ref) expect(doc.components.headers).to.have.property(h.$ref.replace('#/components/headers/', ''));
      }
      expect(op.responses, route).to.include.keys('400', '429', '500');
    }
    // A route's own headers stay beside them.
    expect(doc.paths['/v1/orders/{id}']!.get!.responses['200']!.headers).to.include.keys('ETag', 'RateLimit');
  });

  it('names PUBLIC_BASE_URL as its server, else the server that serves it', () => {
    expect(doc.servers.map((s) => s.url)).to.deep.equal(['/']);
    expect(build({ PUBLIC_BASE_URL: 'https://api.example.com/' }).servers.map((s) => s.url)).to.deep.equal(['https://api.example.com']);
  });

  it('writes only the bounds a schema implies: integer formats from ranges, a UUID its length', () => {
    const schema = {
      type: 'object',
      properties: {
        small: { type: 'integer', minimum: 0, maximum: 100 },
        big: { type: 'integer', minimum: 0, maximum: 2 ** 40 },
        unbounded: { type: 'integer' },
        id: { type: 'string', format: 'uuid' },
        text: { type: 'string' },
        list: { type: 'array', items: { anyOf: [{ type: 'integer', minimum: -1, maximum: 1 }, { type: 'null' }] } },
      },
    };
    withImpliedBounds(schema);
    const p = schema.properties as Record<string, Record<string, unknown>>;
    expect(p.small!.format).to.equal('int32');
    expect(p.big!.format).to.equal('int64');
    expect(p.unbounded!.format).to.equal('int64');
    expect(p.id!.maxLength).to.equal(36);
    expect(p.text).to.deep.equal({ type: 'string' });
    expect(schema.properties.list.items.anyOf[0]).to.have.property('format', 'int32');
  });

  it('states limits the validation keeps: timestamps, cursors, currency and country codes', () => {
    const long = `2026-01-01T00:00:00.${'1'.repeat(MAX_TIMESTAMP_LENGTH)}Z`;
    expect(apiKeyCreateBody.safeParse({ name: 'k', role: 'viewer', expiresAt: long }).success).to.equal(false);
    expect(apiKeyCreateBody.safeParse({ name: 'k', role: 'viewer', expiresAt: '2026-01-01T00:00:00.123456789+01:00' }).success).to.equal(true);
    expect(operationListQuery.safeParse({ createdAfter: long }).success).to.equal(false);
    expect(pageQuery.safeParse({ cursor: 'MjAyNi0wMS0wMVQ_x-' }).success).to.equal(true);
    expect(pageQuery.safeParse({ cursor: 'MjAy+Ni0=' }).success).to.equal(false);
    expect(currencyCode.safeParse('EURO').success).to.equal(false);
    expect(address.shape.country.safeParse('DE').success).to.equal(true);
  });
});
