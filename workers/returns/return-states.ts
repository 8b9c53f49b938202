import { StateMachine } from '../../shared/domain';
import type { ReturnStatus } from './entities';

/** ARCHITECTURE.md: requested → approved | rejected; approved → received → restocked → refunded. */
export const returnStates = new StateMachine<ReturnStatus>('return', {
  requested: ['approved', 'rejected'],
  approved: ['received'],
  received: ['restocked'],
  restocked: ['refunded'],
  rejected: [],
  refunded: [],
});
