export * from './metrics-server';
export * from './lifecycle';
