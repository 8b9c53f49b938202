import { workerMain } from '../../shared/worker/main';
import { returnsWorker } from './wiring';

workerMain([returnsWorker]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
