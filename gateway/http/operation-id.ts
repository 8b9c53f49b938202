import type { RouteSpec } from './route-spec';

/** Shape of every operationId: camelCase ASCII, as SDK generators turn it into a method name. */
export const OPERATION_ID = /^[a-z][A-Za-z0-9]*$/;

const pascal = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const words = (text: string) => text.split(/[^A-Za-z0-9]+/).filter(Boolean);

/**
 * The operationId of a route without one of its own, from its method and path alone, so a new
 * route gets a stable one without any per-route work: the API version prefix is left out, a path
 * parameter reads `By<Name>` (`POST /v1/orders/:id/cancel` → `postOrdersByIdCancel`).
 */
export function derivedOperationId(method: string, path: string): string {
  const parts = path
    .split('/')
    .filter((segment, i) => segment !== '' && !(i === 1 && /^v\d+$/.test(segment)))
    .flatMap((segment) => (segment.startsWith(':') ? ['by', ...words(segment.slice(1))] : words(segment)));
  return method.toLowerCase() + parts.map(pascal).join('');
}

/** The operationId of a command route, from its command type: `order.cancel.v1` → `orderCancel`. */
export function commandOperationId(type: string): string {
  const [first = '', ...rest] = words(type.replace(/\.v1$/, ''));
  return first + rest.map(pascal).join('');
}

export function operationIdOf(spec: Pick<RouteSpec, 'method' | 'path' | 'operationId'>): string {
  return spec.operationId ?? derivedOperationId(spec.method, spec.path);
}

/** Refuses a route list whose operationIds are malformed or not unique (SDK method names would clash). */
export function assertOperationIds(specs: readonly Pick<RouteSpec, 'method' | 'path' | 'operationId'>[]): void {
  const seen = new Map<string, string>();
  for (const spec of specs) {
    const id = operationIdOf(spec);
    const route = `${spec.method.toUpperCase()} ${spec.path}`;
    if (!OPERATION_ID.test(id)) throw new Error(`route ${route}: operationId ${id} is not camelCase ASCII`);
    const other = seen.get(id);
    if (other) throw new Error(`routes ${other} and ${route} share the operationId ${id}`);
    seen.set(id, route);
  }
}
