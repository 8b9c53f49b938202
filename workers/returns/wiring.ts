import type { EventHandler } from '../../shared/worker';

/** Returns reacts to no other domain's events (yet); inventory reacts to return.restocked. */
export const returnEventHandlers: EventHandler<never>[] = [];
