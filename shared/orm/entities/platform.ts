import { EntitySchema } from '@mikro-orm/core';

export interface TenantRow {
  id: string;
  name: string;
  createdAt: Date;
}
export const Tenant = new EntitySchema<TenantRow>({
  name: 'Tenant',
  tableName: 'tenants',
  properties: {
    id: { type: 'string', primary: true },
    name: { type: 'string' },
    createdAt: { type: 'Date', onCreate: () => new Date() },
  },
});

export interface ApiKeyRow {
  id: string;
  tenantId: string;
  keyId: string;
  secretHash: string;
  name: string;
  role: string;
  permissions: string[];
  createdBy: string;
  redacted: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  rotatedFrom: string | null;
}
export const ApiKey = new EntitySchema<ApiKeyRow>({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    keyId: { type: 'string', unique: true },
    secretHash: { type: 'string', hidden: true },
    name: { type: 'string' },
    role: { type: 'string' },
    permissions: { type: 'string[]', columnType: 'text[]' },
    createdBy: { type: 'string' },
    redacted: { type: 'string' },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    expiresAt: { type: 'Date', nullable: true },
    revokedAt: { type: 'Date', nullable: true },
    lastUsedAt: { type: 'Date', nullable: true },
    rotatedFrom: { type: 'uuid', nullable: true },
  },
});

export type OperationStatus = 'accepted' | 'running' | 'succeeded' | 'failed' | 'cancelled';
/** Statuses an operation never leaves. */
export const FINAL_OPERATION_STATUSES: readonly OperationStatus[] = ['succeeded', 'failed', 'cancelled'];
export function isFinalStatus(status: OperationStatus): boolean {
  return FINAL_OPERATION_STATUSES.includes(status);
}
export interface OperationRow {
  id: string;
  tenantId: string;
  type: string;
  status: OperationStatus;
  principal: string;
  requestId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  error: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}
export const Operation = new EntitySchema<OperationRow>({
  name: 'Operation',
  tableName: 'operations',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    type: { type: 'string' },
    status: { type: 'string' },
    principal: { type: 'string' },
    requestId: { type: 'string', nullable: true },
    resourceType: { type: 'string', nullable: true },
    resourceId: { type: 'string', nullable: true },
    error: { type: 'json', nullable: true },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
  },
});

export interface IdempotencyKeyRow {
  tenantId: string;
  principal: string;
  key: string;
  fingerprint: string;
  operationId: string;
  statusCode: number | null;
  responseBody: Record<string, unknown> | null;
  createdAt: Date;
  expiresAt: Date;
}
export const IdempotencyKey = new EntitySchema<IdempotencyKeyRow>({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  properties: {
    tenantId: { type: 'string', primary: true },
    principal: { type: 'string', primary: true },
    key: { type: 'string', primary: true },
    fingerprint: { type: 'string' },
    operationId: { type: 'uuid' },
    statusCode: { type: 'integer', nullable: true },
    responseBody: { type: 'json', nullable: true },
    createdAt: { type: 'Date' },
    expiresAt: { type: 'Date' },
  },
});

/** One row per message a consumer has applied: commands by operation id, events by event id. */
export interface InboxRow {
  consumer: string;
  messageId: string;
  messageType: string;
  processedAt: Date;
}
export const Inbox = new EntitySchema<InboxRow>({
  name: 'Inbox',
  tableName: 'inbox',
  properties: {
    consumer: { type: 'string', primary: true },
    messageId: { type: 'uuid', primary: true },
    messageType: { type: 'string' },
    processedAt: { type: 'Date' },
  },
});

export interface OutboxRow {
  id: string;
  topic: string;
  messageKey: string;
  recordName: string;
  schemaFile: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  createdAt: Date;
  publishedAt: Date | null;
}
export const Outbox = new EntitySchema<OutboxRow>({
  name: 'Outbox',
  tableName: 'outbox',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    topic: { type: 'string' },
    messageKey: { type: 'string' },
    recordName: { type: 'string' },
    schemaFile: { type: 'string' },
    payload: { type: 'json' },
    headers: { type: 'json' },
    createdAt: { type: 'Date' },
    publishedAt: { type: 'Date', nullable: true },
  },
});
