import { workerMain } from '../../shared/worker/main';
import { warrantiesWorker } from './wiring';

workerMain([warrantiesWorker]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
