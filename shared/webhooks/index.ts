export * from './address-guard';
export * from './event-types';
export * from './schedule';
export * from './secret-box';
export * from './signature';
