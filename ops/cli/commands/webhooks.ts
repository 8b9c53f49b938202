import type { Command } from 'commander';
import { arg, type CliArg } from '../args';
import { emit, type OutputOptions } from '../output';
import { gatewayTarget, run, withGateway, withJson, withPages } from './common';

interface EndpointView {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  status: string;
  consecutiveFailures: number;
  disabledReason: string | null;
  createdAt: string;
}

interface DeliveryView {
  id: string;
  webhookId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}

type PageOptions = OutputOptions & { url: string; apiKey?: string; limit?: number; cursor?: string; all?: boolean };

const more = (cursor: string | null) => (cursor ? [`more: --cursor ${cursor}`] : []);

export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').summary("the tenant's webhook endpoints and their deliveries over the gateway's HTTP API");
  withJson(withGateway(withPages(webhooks.command('list').summary('the endpoints, oldest first (never their secrets)')))).action(
    run(async (opts: PageOptions) => {
      const { pages } = await import('../gateway-client.js');
      const page = await pages<EndpointView>(gatewayTarget(opts), '/v1/webhooks', { limit: opts.limit, cursor: opts.cursor }, opts.all === true);
      emit(opts, page, () =>
        [
          ...page.data.map(
            (e) =>
              `${e.id}  ${e.status.padEnd(8)}  ${e.url}  ${e.events.join(',')}${e.consecutiveFailures ? `  ${e.consecutiveFailures} failures in a row` : ''}${
                e.disabledReason ? `  (${e.disabledReason})` : ''
              }`,
          ),
          ...(page.data.length ? [] : ['no webhook endpoints']),
          ...more(page.nextCursor),
        ].join('\n'),
      );
    }),
  );
  withJson(
    withGateway(
      withPages(
        webhooks
          .command('deliveries')
          .summary("an endpoint's deliveries, newest first, with their latest attempts")
          .argument('<endpoint-id>', 'the endpoint (a UUID, as `webhooks list` prints it)', arg('id'))
          .option('--status <status>', 'pending, succeeded or failed', arg('delivery-status')),
      ),
    ),
  ).action(
    run(async (endpointId: string, opts: PageOptions & { status?: CliArg<'delivery-status'> }) => {
      const { pages } = await import('../gateway-client.js');
      const page = await pages<DeliveryView>(
        gatewayTarget(opts),
        `/v1/webhooks/${endpointId}/deliveries`,
        { status: opts.status, limit: opts.limit, cursor: opts.cursor },
        opts.all === true,
      );
      emit(opts, page, () =>
        [
          ...page.data.map(
            (d) =>
              `${d.id}  ${d.status.padEnd(9)}  ${d.eventType}  ${d.attemptCount} attempts  last ${d.lastStatusCode ?? '-'}${d.lastError ? ` ${d.lastError}` : ''}${
                d.nextAttemptAt ? `  next ${d.nextAttemptAt}` : ''
              }  ${d.createdAt}`,
          ),
          ...(page.data.length ? [] : ['no deliveries']),
          ...more(page.nextCursor),
        ].join('\n'),
      );
    }),
  );
}
