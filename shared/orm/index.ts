export * from './init';
export * from './entities';
