import { exitOnStartFailure } from '../../shared/logger';
import { workerMain } from '../../shared/worker/main';
import { inventoryWorker } from './wiring';

workerMain([inventoryWorker]).catch(exitOnStartFailure('worker-inventory'));
