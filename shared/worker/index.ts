export * from './handler';
export { buildContext, systemContext, NO_OPERATION, type Actor } from './context';
export { applyToDue, type DueRows } from './due-rows';
export * from './run-worker';
export * from './classify';
export * from './host';
