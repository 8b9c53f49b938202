import { Order } from './orders';

export * from './orders';

/** The tables the orders domain owns. */
export const orderEntities = [Order];
