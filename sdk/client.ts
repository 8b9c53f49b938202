import { commandNamespaces, type CommandNamespaces } from './commands';
import { queryNamespaces, type QueryNamespaces } from './queries';
import { Transport, type TransportOptions } from './transport';

export type StatesetClientOptions = TransportOptions;

type Merged<A, B> = { [K in keyof A | keyof B]: (K extends keyof A ? A[K] : unknown) & (K extends keyof B ? B[K] : unknown) };
type Namespaces = Merged<CommandNamespaces, QueryNamespaces>;

/**
 * The StateSet API as typed methods: `client.<domain>.<command>(…)` for every catalog command
 * (answering an Operation to `wait()` on) next to that domain's queries, plus operations, events,
 * audit, webhooks, API keys and token exchange. See docs/SDK.md.
 */
export class StatesetClient {
  readonly orders: Namespaces['orders'];
  readonly inventory: Namespaces['inventory'];
  readonly returns: Namespaces['returns'];
  readonly shipments: Namespaces['shipments'];
  readonly warranties: Namespaces['warranties'];
  readonly operations: Namespaces['operations'];
  readonly events: Namespaces['events'];
  readonly audit: Namespaces['audit'];
  readonly webhooks: Namespaces['webhooks'];
  readonly apiKeys: Namespaces['apiKeys'];
  readonly auth: Namespaces['auth'];
  /** The HTTP layer (auth, retries, problems), for a route the SDK has no method for yet. */
  readonly transport: Transport;

  constructor(opts: StatesetClientOptions) {
    this.transport = new Transport(opts);
    const ns = mergeNamespaces(commandNamespaces(this.transport), queryNamespaces(this.transport)) as Namespaces;
    this.orders = ns.orders;
    this.inventory = ns.inventory;
    this.returns = ns.returns;
    this.shipments = ns.shipments;
    this.warranties = ns.warranties;
    this.operations = ns.operations;
    this.events = ns.events;
    this.audit = ns.audit;
    this.webhooks = ns.webhooks;
    this.apiKeys = ns.apiKeys;
    this.auth = ns.auth;
  }
}

/** Command and query methods side by side; a name in both would hide one of them, so it is refused. */
export function mergeNamespaces(...sources: object[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const source of sources) {
    for (const [name, methods] of Object.entries(source as Record<string, Record<string, unknown>>)) {
      const target = (out[name] ??= {});
      for (const [method, fn] of Object.entries(methods)) {
        if (method in target) throw new Error(`StatesetClient: ${name}.${method} is both a command and a query`);
        target[method] = fn;
      }
    }
  }
  return out;
}
