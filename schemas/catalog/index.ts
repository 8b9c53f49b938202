/**
 * The one table of commands and events. Gateway routes, worker subscriptions, topic provisioning
 * and schema registration are all derived from it: a new command is one .avsc file, one entry in
 * its domain's file here and one handler file.
 */
import type { CommandDefinition, EventDefinition } from './types';
import { orderCommands, orderEvents } from './orders';
import { inventoryCommands, inventoryEvents } from './inventory';
import { returnCommands, returnEvents } from './returns';
import { shipmentCommands, shipmentEvents } from './shipments';
import { warrantyCommands, warrantyEvents } from './warranties';

export * from './types';

export const commands: readonly CommandDefinition[] = [...orderCommands, ...inventoryCommands, ...returnCommands, ...shipmentCommands, ...warrantyCommands];
/** Every command with its literal type, path and body schema (what sdk/ derives its methods from). */
export type CatalogCommand = (
  typeof orderCommands | typeof inventoryCommands | typeof returnCommands | typeof shipmentCommands | typeof warrantyCommands
)[number];
export const events: readonly EventDefinition[] = [...orderEvents, ...inventoryEvents, ...returnEvents, ...shipmentEvents, ...warrantyEvents];

export const AUDIT_SCHEMA_FILE = 'audit/AuditRecord.avsc';

export function findCommand(type: string): CommandDefinition | undefined {
  return commands.find((c) => c.type === type);
}
export function findEvent(type: string): EventDefinition | undefined {
  return events.find((e) => e.type === type);
}
