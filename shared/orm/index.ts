export * from './init';
export * from './entities';
export * from './role-plan';
export * from './roles';
