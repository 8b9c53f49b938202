import { workerMain } from '../../shared/worker/main';
import { orderHandlers } from './handlers';

workerMain('orders', { handlers: orderHandlers }, 1).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
