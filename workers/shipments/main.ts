import { workerMain } from '../../shared/worker/main';
import { shipmentHandlers } from './handlers';
import { shipmentEventHandlers } from './wiring';

workerMain('shipments', { handlers: shipmentHandlers, eventHandlers: shipmentEventHandlers }).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
