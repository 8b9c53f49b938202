import { shipmentCreate } from './shipment-create';
import { shipmentDeliver } from './shipment-deliver';
import { shipmentException } from './shipment-exception';
import { shipmentInTransit } from './shipment-in-transit';
import { shipmentShip } from './shipment-ship';

export const shipmentHandlers = [shipmentCreate, shipmentShip, shipmentInTransit, shipmentDeliver, shipmentException];
