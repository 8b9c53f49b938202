import type { Command } from 'commander';
import { arg, type CliArg } from '../args';
import { emit, type OutputOptions } from '../output';
import { EXIT } from '../exit-codes';
import { gatewayTarget, run, withGateway, withJson, withPages } from './common';

export interface OperationView {
  id: string;
  type: string;
  status: 'accepted' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  done: boolean;
  createdAt: string;
  updatedAt: string;
  resource?: { type: string; id: string; href: string };
  error?: Record<string, unknown>;
}

type GatewayOptions = OutputOptions & { url: string; apiKey?: string };

/** The gateway answers a long poll for at most OPERATION_MAX_WAIT_S (≤ 30 s); longer waits are several polls. */
const MAX_POLL_S = 30;

const line = (op: OperationView) =>
  `${op.id}  ${op.status.padEnd(9)}  ${op.type}  ${op.createdAt}${op.resource ? `  ${op.resource.type} ${op.resource.id}` : ''}${
    op.error ? `  error ${JSON.stringify(op.error)}` : ''
  }`;

/** An operation's own outcome as an exit code: failed and cancelled are not success. */
export function operationExitCode(op: OperationView): number {
  if (!op.done) return EXIT.timeout;
  return op.status === 'succeeded' ? EXIT.ok : EXIT.failure;
}

export function registerOperations(program: Command): void {
  const operations = program.command('operations').summary("the tenant's operations over the gateway's HTTP API: get, wait, list, cancel");
  const opId = (cmd: Command) => cmd.argument('<id>', 'the operation id (a UUID)', arg('id'));

  withJson(withGateway(opId(operations.command('get').summary('one operation, as GET /v1/operations/{id} gives it')))).action(
    run(async (id: string, opts: GatewayOptions) => {
      const { gatewayRequest } = await import('../gateway-client.js');
      const { body } = await gatewayRequest<OperationView>(gatewayTarget(opts), 'GET', `/v1/operations/${id}`);
      emit(opts, body, () => line(body));
    }),
  );

  withJson(
    withGateway(
      opId(
        operations
          .command('wait')
          .summary('long-poll (Prefer: wait=N) until the operation is done; exit 0 succeeded, 1 failed or cancelled, 4 still not done at --timeout')
          .option('--timeout <s>', 'give up after s seconds, 1 to 86400', arg('timeout'), 120),
      ),
    ),
  ).action(
    run(async (id: string, opts: GatewayOptions & { timeout: number }) => {
      const { gatewayRequest } = await import('../gateway-client.js');
      const target = gatewayTarget(opts);
      const deadline = Date.now() + opts.timeout * 1000;
      let op: OperationView;
      for (;;) {
        const left = Math.ceil((deadline - Date.now()) / 1000);
        const wait = Math.max(0, Math.min(MAX_POLL_S, left));
        op = (
          await gatewayRequest<OperationView>(target, 'GET', `/v1/operations/${id}`, {
            headers: wait > 0 ? { prefer: `wait=${wait}` } : {},
            timeoutMs: (wait + 30) * 1000,
          })
        ).body;
        if (op.done || Date.now() >= deadline) break;
        // The gateway may answer at once (its wait quota is used up): a pause, so that is no busy loop.
        await new Promise((r) => setTimeout(r, 250));
      }
      emit(opts, op, () => (op.done ? line(op) : `${line(op)}\nnot done after ${opts.timeout} s`));
      return operationExitCode(op);
    }),
  );

  withJson(
    withGateway(
      withPages(
        operations
          .command('list')
          .summary('operations newest first, filtered as GET /v1/operations filters them')
          .option('--status <status>', 'accepted, running, succeeded, failed or cancelled', arg('status'))
          .option('--type <type>', 'a command type, e.g. order.create.v1', arg('type'))
          .option('--resource-id <id>', 'the resource the operation made or changed', arg('resource-id'))
          .option('--created-after <time>', 'only those created after this ISO 8601 time (exclusive)', arg('created-after')),
      ),
    ),
  ).action(
    run(
      async (
        opts: GatewayOptions & {
          status?: CliArg<'status'>;
          type?: string;
          resourceId?: string;
          createdAfter?: string;
          limit?: number;
          cursor?: string;
          all?: boolean;
        },
      ) => {
        const { pages } = await import('../gateway-client.js');
        const page = await pages<OperationView>(
          gatewayTarget(opts),
          '/v1/operations',
          { status: opts.status, type: opts.type, resourceId: opts.resourceId, createdAfter: opts.createdAfter, limit: opts.limit, cursor: opts.cursor },
          opts.all === true,
        );
        emit(opts, page, () =>
          [...page.data.map(line), page.data.length ? '' : 'no operations', page.nextCursor ? `more: --cursor ${page.nextCursor}` : '']
            .filter(Boolean)
            .join('\n'),
        );
      },
    ),
  );

  withJson(
    withGateway(opId(operations.command('cancel').summary('cancel a command not yet applied (only an accepted operation; 409 once it was applied)'))),
  ).action(
    run(async (id: string, opts: GatewayOptions) => {
      const { gatewayRequest } = await import('../gateway-client.js');
      const { body } = await gatewayRequest<OperationView>(gatewayTarget(opts), 'POST', `/v1/operations/${id}/cancel`);
      emit(opts, body, () => line(body));
    }),
  );
}
