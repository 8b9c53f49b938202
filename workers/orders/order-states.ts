import { StateMachine } from '../../shared/domain';
import type { OrderStatus } from './entities';

export const orderStates = new StateMachine<OrderStatus>('order', {
  pending: ['confirmed', 'on_hold', 'cancelled'],
  confirmed: ['processing', 'on_hold', 'cancelled'],
  processing: ['shipped', 'on_hold', 'cancelled'],
  on_hold: ['processing', 'cancelled'],
  shipped: ['delivered', 'on_hold'],
  delivered: ['refunded', 'exchanged'],
  cancelled: ['refunded'],
  exchanged: ['refunded'],
  refunded: [],
});

export const EDITABLE_STATES: readonly OrderStatus[] = ['pending', 'confirmed'];
export const FINISHED_STATES: readonly OrderStatus[] = ['delivered', 'cancelled', 'refunded', 'exchanged'];
