export * from './state-machine';
export * from './ids';
