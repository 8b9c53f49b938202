import { Order } from './orders';
import { PublishedOrder } from './published-order';

export * from './orders';
export * from './published-order';

/** The tables the orders domain owns, and the read-only contract it publishes over them. */
export const orderEntities = [Order, PublishedOrder];
