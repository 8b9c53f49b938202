import { Return } from './returns';

export * from './returns';

/** The tables the returns domain owns. */
export const returnEntities = [Return];
