import { Warranty, WarrantyClaim } from './warranties';

export * from './warranties';

/** The tables the warranties domain owns. */
export const warrantyEntities = [Warranty, WarrantyClaim];
