export * from './handler';
export { buildContext, systemContext, NO_OPERATION, type Actor } from './context';
export * from './run-worker';
export * from './classify';
export * from './host';
