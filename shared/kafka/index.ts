export * from './client';
export * from './headers';
export * from './command-signature';
export * from './publisher';
export * from './provision';
export * from './lag-monitor';
export * from './acl-plan';
export * from './expected-version';
