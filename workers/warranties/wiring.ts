import type { Deps } from '../../shared/container';
import type { EventHandler } from '../../shared/worker';
import { expireWarranties } from './expiry';

/** Warranties reacts to no other domain's events (yet). */
export const warrantyEventHandlers: EventHandler<never>[] = [];

export function warrantyTimers() {
  return [{ name: 'warranty-expiry', everyMs: 5000, run: (deps: Deps) => expireWarranties(deps).then(() => undefined) }];
}
