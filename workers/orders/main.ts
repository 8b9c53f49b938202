import { workerMain } from '../../shared/worker/main';
import { orderHandlers } from './handlers';
import { orderEventHandlers } from './wiring';

workerMain('orders', { handlers: orderHandlers, eventHandlers: orderEventHandlers }).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
