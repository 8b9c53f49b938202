import { returnRejectBody, returnRequestBody } from '../http/returns';
import { emptyBody } from '../http/orders';
import { command, type CommandDefinition, type EventDefinition } from './types';

const base = { domain: 'returns', keyField: 'returnId', permission: 'returns:write', resourceType: 'return' } as const;

const simple = (action: string, file: string, summary: string) => command({
  ...base,
  type: `return.${action}.v1`,
  schemaFile: `commands/returns/${file}.avsc`,
  route: { method: 'post', path: `/v1/returns/:id/${action}` },
  summary,
  body: emptyBody,
  toPayload: (_b, ctx) => ({ returnId: ctx.id }),
});

export const returnCommands: CommandDefinition[] = [
  command({
    ...base,
    type: 'return.request.v1',
    schemaFile: 'commands/returns/ReturnRequest.avsc',
    route: { method: 'post', path: '/v1/returns' },
    summary: 'Request a return of lines of a delivered order (at most the quantities delivered and not already returned)',
    body: returnRequestBody,
    toPayload: (b, ctx) => ({ returnId: ctx.newId(), orderId: b.orderId, lines: b.lines, reason: b.reason }),
  }),
  simple('approve', 'ReturnApprove', 'Approve a requested return'),
  command({
    ...base,
    type: 'return.reject.v1',
    schemaFile: 'commands/returns/ReturnReject.avsc',
    route: { method: 'post', path: '/v1/returns/:id/reject' },
    summary: 'Reject a requested return, with the reason',
    body: returnRejectBody,
    toPayload: (b, ctx) => ({ returnId: ctx.id, reason: b.reason }),
  }),
  simple('receive', 'ReturnReceive', 'Record that the goods of an approved return arrived back'),
  simple('restock', 'ReturnRestock', 'Put the received goods back in stock (inventory adds them at location default)'),
  simple('refund', 'ReturnRefund', 'Mark a restocked return refunded'),
];

const ev = (type: string, file: string): EventDefinition => ({ type, domain: 'returns', schemaFile: `events/returns/${file}.avsc`, keyField: 'returnId' });

export const returnEvents: EventDefinition[] = [
  ev('return.requested.v1', 'ReturnRequested'),
  ev('return.status_changed.v1', 'ReturnStatusChanged'),
  ev('return.restocked.v1', 'ReturnRestocked'),
  ev('return.restock_settled.v1', 'ReturnRestockSettled'),
];
