import { StateMachine } from '../../shared/domain';
import type { WarrantyClaimStatus, WarrantyStatus } from './entities';

/**
 * ARCHITECTURE.md lists the states active | expired | void. Only an active warranty changes: it
 * expires when its period ends (the expiry timer) or is voided; expired and void are final
 * (extending is allowed only while active, so an expired warranty is never revived).
 */
export const warrantyStates = new StateMachine<WarrantyStatus>('warranty', {
  active: ['expired', 'void'],
  expired: [],
  void: [],
});

/** ARCHITECTURE.md: claim submitted → approved | rejected → resolved. */
export const claimStates = new StateMachine<WarrantyClaimStatus>('warranty_claim', {
  submitted: ['approved', 'rejected'],
  approved: ['resolved'],
  rejected: ['resolved'],
  resolved: [],
});
