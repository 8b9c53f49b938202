import type { Deps } from '../../shared/container';
import { DeliveryLoop } from './delivery-loop';
import { WebhookIntake } from './intake';

export interface WebhookDispatcher {
  intake: WebhookIntake;
  deliveries: DeliveryLoop;
  stop(): Promise<void>;
}

/** The webhook dispatcher: intake from Kafka and the delivery loop, in a process of its own or inside the all-in-one worker. */
export async function startWebhookDispatcher(deps: Deps): Promise<WebhookDispatcher> {
  const deliveries = new DeliveryLoop(deps);
  const intake = new WebhookIntake(deps, () => deliveries.wake());
  await intake.start();
  deliveries.start();
  return {
    intake,
    deliveries,
    async stop() {
      await intake.stop();
      await deliveries.stop();
    },
  };
}
