import { workerMain } from '../../shared/worker/main';
import { warrantyHandlers } from './handlers';
import { warrantyEventHandlers, warrantyTimers } from './wiring';

workerMain('warranties', { handlers: warrantyHandlers, eventHandlers: warrantyEventHandlers, timers: warrantyTimers() }).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
