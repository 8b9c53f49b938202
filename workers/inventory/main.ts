import { workerMain } from '../../shared/worker/main';
import { inventoryWorker } from './wiring';

workerMain([inventoryWorker]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
