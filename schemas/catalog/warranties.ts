import {
  warrantyClaimApproveBody,
  warrantyClaimRejectBody,
  warrantyClaimResolveBody,
  warrantyClaimSubmitBody,
  warrantyExtendBody,
  warrantyRegisterBody,
  warrantyVoidBody,
} from '../http/warranties';
import { command, event, type EventDefinition } from './types';

const warranty = { domain: 'warranties', keyField: 'warrantyId', permission: 'warranties:write', resourceType: 'warranty' } as const;
const claim = { domain: 'warranties', keyField: 'claimId', permission: 'warranties:write', resourceType: 'warranty_claim' } as const;

export const warrantyCommands = [
  command({
    ...warranty,
    type: 'warranty.register.v1',
    schemaFile: 'commands/warranties/WarrantyRegister.avsc',
    route: { method: 'post', path: '/v1/warranties' },
    summary: 'Register an active warranty for a SKU, from startsAt (default: now) for a number of months',
    body: warrantyRegisterBody,
    toPayload: (b, ctx) => ({
      warrantyId: ctx.newId(),
      customerId: b.customerId,
      sku: b.sku,
      orderId: b.orderId ?? null,
      serialNumber: b.serialNumber ?? null,
      // Fixed when the command is accepted, so the worker's processing time does not move it.
      startsAt: new Date(b.startsAt ?? Date.now()).toISOString(),
      months: b.months,
    }),
  }),
  command({
    ...warranty,
    type: 'warranty.extend.v1',
    schemaFile: 'commands/warranties/WarrantyExtend.avsc',
    route: { method: 'post', path: '/v1/warranties/:id/extend' },
    summary: 'Add months to an active, unexpired warranty',
    body: warrantyExtendBody,
    toPayload: (b, ctx) => ({ warrantyId: ctx.id, months: b.months }),
  }),
  command({
    ...warranty,
    type: 'warranty.void.v1',
    schemaFile: 'commands/warranties/WarrantyVoid.avsc',
    route: { method: 'post', path: '/v1/warranties/:id/void' },
    summary: 'Void an active warranty, with the reason',
    body: warrantyVoidBody,
    toPayload: (b, ctx) => ({ warrantyId: ctx.id, reason: b.reason }),
  }),
  command({
    ...claim,
    type: 'warranty.claim.submit.v1',
    schemaFile: 'commands/warranties/WarrantyClaimSubmit.avsc',
    route: { method: 'post', path: '/v1/warranties/:id/claims' },
    summary: 'Submit a claim on an active, unexpired warranty; the operation points at the new claim',
    body: warrantyClaimSubmitBody,
    toPayload: (b, ctx) => ({ claimId: ctx.newId(), warrantyId: ctx.id, description: b.description }),
  }),
  command({
    ...claim,
    type: 'warranty.claim.approve.v1',
    schemaFile: 'commands/warranties/WarrantyClaimApprove.avsc',
    route: { method: 'post', path: '/v1/warranty-claims/:id/approve' },
    summary: 'Approve a submitted claim',
    body: warrantyClaimApproveBody,
    toPayload: (b, ctx) => ({ claimId: ctx.id, note: b.note ?? null }),
  }),
  command({
    ...claim,
    type: 'warranty.claim.reject.v1',
    schemaFile: 'commands/warranties/WarrantyClaimReject.avsc',
    route: { method: 'post', path: '/v1/warranty-claims/:id/reject' },
    summary: 'Reject a submitted claim, with the reason',
    body: warrantyClaimRejectBody,
    toPayload: (b, ctx) => ({ claimId: ctx.id, reason: b.reason }),
  }),
  command({
    ...claim,
    type: 'warranty.claim.resolve.v1',
    schemaFile: 'commands/warranties/WarrantyClaimResolve.avsc',
    route: { method: 'post', path: '/v1/warranty-claims/:id/resolve' },
    summary: 'Close an approved or rejected claim',
    body: warrantyClaimResolveBody,
    toPayload: (b, ctx) => ({ claimId: ctx.id, resolution: b.resolution ?? null }),
  }),
];

const warrantyEvent = { domain: 'warranties' } as const;

export const warrantyEvents: EventDefinition[] = [
  event({
    ...warrantyEvent,
    type: 'warranty.registered.v1',
    schemaFile: 'events/warranties/WarrantyRegistered.avsc',
    keyField: 'warrantyId',
    versionOf: 'the warranty',
  }),
  event({
    ...warrantyEvent,
    type: 'warranty.extended.v1',
    schemaFile: 'events/warranties/WarrantyExtended.avsc',
    keyField: 'warrantyId',
    versionOf: 'the warranty',
  }),
  event({
    ...warrantyEvent,
    type: 'warranty.status_changed.v1',
    schemaFile: 'events/warranties/WarrantyStatusChanged.avsc',
    keyField: 'warrantyId',
    versionOf: 'the warranty',
  }),
  event({
    ...warrantyEvent,
    type: 'warranty.claim_status_changed.v1',
    schemaFile: 'events/warranties/WarrantyClaimStatusChanged.avsc',
    keyField: 'claimId',
    versionOf: 'the claim',
  }),
];
