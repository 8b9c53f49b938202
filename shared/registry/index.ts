export * from './codec';
export * from './register-all';
