import { returnRejectBody, returnRequestBody } from '../http/returns';
import { emptyBody } from '../http/common';
import { command, event, type EventDefinition } from './types';

const base = { domain: 'returns', keyField: 'returnId', permission: 'returns:write', resourceType: 'return' } as const;

export const returnCommands = [
  command({
    ...base,
    type: 'return.request.v1',
    schemaFile: 'commands/returns/ReturnRequest.avsc',
    route: { method: 'post', path: '/v1/returns' },
    summary: 'Request a return of lines of a delivered order (at most the quantities delivered and not already returned)',
    body: returnRequestBody,
    toPayload: (b, ctx) => ({ returnId: ctx.newId(), orderId: b.orderId, lines: b.lines, reason: b.reason }),
  }),
  command({
    ...base,
    type: 'return.approve.v1',
    schemaFile: 'commands/returns/ReturnApprove.avsc',
    route: { method: 'post', path: '/v1/returns/:id/approve' },
    summary: 'Approve a requested return',
    body: emptyBody,
    toPayload: (_b, ctx) => ({ returnId: ctx.id }),
  }),
  command({
    ...base,
    type: 'return.reject.v1',
    schemaFile: 'commands/returns/ReturnReject.avsc',
    route: { method: 'post', path: '/v1/returns/:id/reject' },
    summary: 'Reject a requested return, with the reason',
    body: returnRejectBody,
    toPayload: (b, ctx) => ({ returnId: ctx.id, reason: b.reason }),
  }),
  command({
    ...base,
    type: 'return.receive.v1',
    schemaFile: 'commands/returns/ReturnReceive.avsc',
    route: { method: 'post', path: '/v1/returns/:id/receive' },
    summary: 'Record that the goods of an approved return arrived back',
    body: emptyBody,
    toPayload: (_b, ctx) => ({ returnId: ctx.id }),
  }),
  command({
    ...base,
    type: 'return.restock.v1',
    schemaFile: 'commands/returns/ReturnRestock.avsc',
    route: { method: 'post', path: '/v1/returns/:id/restock' },
    summary: 'Put the received goods back in stock (inventory adds them at location default)',
    body: emptyBody,
    toPayload: (_b, ctx) => ({ returnId: ctx.id }),
  }),
  command({
    ...base,
    type: 'return.refund.v1',
    schemaFile: 'commands/returns/ReturnRefund.avsc',
    route: { method: 'post', path: '/v1/returns/:id/refund' },
    summary: 'Mark a restocked return refunded',
    body: emptyBody,
    toPayload: (_b, ctx) => ({ returnId: ctx.id }),
  }),
];

const returnEvent = { domain: 'returns', keyField: 'returnId' } as const;

export const returnEvents: EventDefinition[] = [
  event({ ...returnEvent, type: 'return.requested.v1', schemaFile: 'events/returns/ReturnRequested.avsc', versionOf: 'the return' }),
  event({ ...returnEvent, type: 'return.status_changed.v1', schemaFile: 'events/returns/ReturnStatusChanged.avsc', versionOf: 'the return' }),
  event({ ...returnEvent, type: 'return.restocked.v1', schemaFile: 'events/returns/ReturnRestocked.avsc', versionOf: 'the return' }),
  event({ ...returnEvent, type: 'return.restock_settled.v1', schemaFile: 'events/returns/ReturnRestockSettled.avsc', versionOf: 'the return' }),
];
