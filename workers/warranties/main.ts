import { exitOnStartFailure } from '../../shared/logger';
import { workerMain } from '../../shared/worker/main';
import { warrantiesWorker } from './wiring';

workerMain([warrantiesWorker]).catch(exitOnStartFailure('worker-warranties'));
