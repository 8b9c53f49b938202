import { DOMAINS, type Domain } from '../schemas/catalog';
import type { DomainWorker } from '../shared/worker';
import { inventoryWorker } from './inventory/wiring';
import { ordersWorker } from './orders/wiring';
import { returnsWorker } from './returns/wiring';
import { shipmentsWorker } from './shipments/wiring';
import { warrantiesWorker } from './warranties/wiring';

/** Every domain a worker process can host, by name. */
export const DOMAIN_WORKERS: Record<Domain, DomainWorker> = {
  orders: ordersWorker,
  inventory: inventoryWorker,
  returns: returnsWorker,
  shipments: shipmentsWorker,
  warranties: warrantiesWorker,
};

export class UnknownDomainError extends Error {
  override readonly name = 'UnknownDomainError';
}

/** `all`, or a comma-separated list of domain names (each once) → the domains to host, in catalog order. */
export function parseDomains(spec: string): DomainWorker[] {
  const names = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 1 && names[0] === 'all') return DOMAINS.map((d) => DOMAIN_WORKERS[d]);
  if (names.length === 0) throw new UnknownDomainError(`--domains is empty; give "all" or some of: ${DOMAINS.join(', ')}`);
  const unknown = names.filter((n) => !(DOMAINS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new UnknownDomainError(`unknown domain(s): ${unknown.join(', ')}; choose "all" or from: ${DOMAINS.join(', ')}`);
  if (new Set(names).size !== names.length) throw new UnknownDomainError('a domain is named twice in --domains');
  return DOMAINS.filter((d) => names.includes(d)).map((d) => DOMAIN_WORKERS[d]);
}
