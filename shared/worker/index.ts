export * from './handler';
export * from './run-worker';
export * from './classify';
export * from './host';
