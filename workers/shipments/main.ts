import { exitOnStartFailure } from '../../shared/logger';
import { workerMain } from '../../shared/worker/main';
import { shipmentsWorker } from './wiring';

workerMain([shipmentsWorker]).catch(exitOnStartFailure('worker-shipments'));
