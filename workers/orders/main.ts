import { exitOnStartFailure } from '../../shared/logger';
import { workerMain } from '../../shared/worker/main';
import { ordersWorker } from './wiring';

workerMain([ordersWorker]).catch(exitOnStartFailure('worker-orders'));
