import { workerMain } from '../../shared/worker/main';
import { returnHandlers } from './handlers';
import { returnEventHandlers } from './wiring';

workerMain('returns', { handlers: returnHandlers, eventHandlers: returnEventHandlers }).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
