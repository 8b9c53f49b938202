export * from './base';
export * from './domain';
export * from './infra';
export * from './problem';
