import { orderCreate } from './order-create';

export const orderHandlers = [orderCreate];
