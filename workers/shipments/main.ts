import { workerMain } from '../../shared/worker/main';
import { shipmentsWorker } from './wiring';

workerMain([shipmentsWorker]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
