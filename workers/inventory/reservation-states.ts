import { StateMachine } from '../../shared/domain';
import type { ReservationStatus } from './entities';

export const reservationStates = new StateMachine<ReservationStatus>('reservation', {
  pending: ['confirmed', 'released', 'expired', 'cancelled'],
  confirmed: ['released', 'cancelled'],
  released: [],
  expired: [],
  cancelled: [],
});

/** States in which a reservation holds stock. */
export const HOLDING: readonly ReservationStatus[] = ['pending', 'confirmed'];
