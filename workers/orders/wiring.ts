import { onReservationFailed } from './events/on-reservation-failed';
import { onShipmentDelivered } from './events/on-shipment-delivered';

export const orderEventHandlers = [onReservationFailed, onShipmentDelivered];
