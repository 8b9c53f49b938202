/** Audit records in canonical form, written with the platform's canonical JSON (shared/canonical-json.ts). */
import { canonicalJson } from '../../../shared/canonical-json';
import { AUDIT_NULLABLE_FIELDS, AUDIT_OUTCOMES, type AuditOutcome, type AuditRecord } from './types';

export { canonicalJson, type JsonValue } from '../../../shared/canonical-json';

function reqString(input: Record<string, unknown>, field: string): string {
  const v = input[field];
  if (typeof v !== 'string') throw new TypeError(`AuditRecord.${field} must be a string`);
  return v;
}

function optString(input: Record<string, unknown>, field: string): string | null {
  const v = input[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new TypeError(`AuditRecord.${field} must be a string or null`);
  return v;
}

/**
 * Validates a value against the AuditRecord schema and returns a record with exactly the schema
 * fields (absent nullable fields become null, unknown fields are dropped). Throws TypeError.
 */
export function normalizeRecord(value: unknown): AuditRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('AuditRecord must be an object');
  }
  const input = value as Record<string, unknown>;
  const outcome = input.outcome;
  if (typeof outcome !== 'string' || !(AUDIT_OUTCOMES as readonly string[]).includes(outcome)) {
    throw new TypeError(`AuditRecord.outcome must be one of ${AUDIT_OUTCOMES.join('|')}`);
  }
  const out: AuditRecord = {
    eventId: reqString(input, 'eventId'),
    occurredAt: reqString(input, 'occurredAt'),
    tenantId: null,
    principal: null,
    action: reqString(input, 'action'),
    resourceType: null,
    resourceId: null,
    outcome: outcome as AuditOutcome,
    requestId: null,
    operationId: null,
    sourceIp: null,
    userAgent: null,
    details: null,
  };
  for (const f of AUDIT_NULLABLE_FIELDS) out[f] = optString(input, f);
  if (out.eventId.length === 0) throw new TypeError('AuditRecord.eventId must not be empty');
  return out;
}

/** Canonical JSON of a record (after normalisation). */
export function canonicalRecord(record: AuditRecord): string {
  return canonicalJson(normalizeRecord(record));
}

/**
 * canonicalJson of an already normalised record (exactly the schema fields, strings or null) without
 * the generic walk: the hot path of the sink and the verifier. JSON.stringify of an object whose keys
 * were inserted in sorted (UTF-16 code unit) order and whose values are strings or null is exactly the
 * canonical form. Equal to canonicalRecord(record) (property-tested).
 */
export function canonicalRecordText(r: AuditRecord): string {
  return JSON.stringify({
    action: r.action,
    details: r.details,
    eventId: r.eventId,
    occurredAt: r.occurredAt,
    operationId: r.operationId,
    outcome: r.outcome,
    principal: r.principal,
    requestId: r.requestId,
    resourceId: r.resourceId,
    resourceType: r.resourceType,
    sourceIp: r.sourceIp,
    tenantId: r.tenantId,
    userAgent: r.userAgent,
  });
}
