import { exitOnStartFailure } from '../../shared/logger';
import { workerMain } from '../../shared/worker/main';
import { returnsWorker } from './wiring';

workerMain([returnsWorker]).catch(exitOnStartFailure('worker-returns'));
