import { workerMain } from '../../shared/worker/main';
import { ordersWorker } from './wiring';

workerMain([ordersWorker]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
