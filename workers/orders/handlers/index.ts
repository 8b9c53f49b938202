import { orderArchive } from './order-archive';
import { orderCancel } from './order-cancel';
import { orderCreate } from './order-create';
import { orderTransition } from './order-transition';
import { orderUpdate } from './order-update';

export const orderHandlers = [orderCreate, orderUpdate, orderTransition, orderCancel, orderArchive];
