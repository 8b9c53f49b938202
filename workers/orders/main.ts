import { workerMain } from '../../shared/worker/main';
import { orderHandlers } from './handlers';

workerMain('orders', orderHandlers as never[], 1).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
