import { events } from '../../schemas/catalog';

/** What an endpoint may subscribe to: the outcome of an operation, and every domain event of the catalog. */
export const OPERATION_EVENT_TYPES = ['operation.succeeded', 'operation.failed'] as const;
export const WEBHOOK_EVENT_TYPES: readonly [string, ...string[]] = [...OPERATION_EVENT_TYPES, ...events.map((e) => e.type)];
