export * from './listener';
