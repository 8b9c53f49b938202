/** Every status an order can be in; workers/orders/order-states.ts says which moves between them are allowed. */
export const ORDER_STATUSES = ['pending', 'confirmed', 'processing', 'on_hold', 'shipped', 'delivered', 'cancelled', 'refunded', 'exchanged'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
