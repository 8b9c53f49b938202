import { onReservationFailed } from './events/on-reservation-failed';

export const orderEventHandlers = [onReservationFailed];
