export * from './state-machine';
export * from './ids';
export * from './order-status';
export * from './lines';
