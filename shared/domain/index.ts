export * from './state-machine';
export * from './ids';
export * from './lines';
