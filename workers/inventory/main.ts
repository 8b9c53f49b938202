import { loadConfig } from '../../shared/config';
import { workerMain } from '../../shared/worker/main';
import { inventoryHandlers } from './handlers';
import { inventoryEventHandlers, inventoryTimers } from './wiring';

const config = loadConfig();
workerMain('inventory', {
  handlers: inventoryHandlers(config.RESERVATION_TTL_S),
  eventHandlers: inventoryEventHandlers(config.RESERVATION_TTL_S),
  timers: inventoryTimers(),
}).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
