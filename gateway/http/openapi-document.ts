import type { Deps } from '../../shared/container';
import type { Config } from '../../shared/config';
import type { GatewayServices } from '../app';
import { routeSpecs } from '../app';
import { API_VERSION, buildOpenApi } from './openapi';

/** A dependency the route factories only capture: touching it while building the document is a bug. */
function untouched(name: string): never {
  return new Proxy(
    {},
    {
      get(_t, prop) {
        throw new Error(`building the OpenAPI document touched ${name}.${String(prop)}`);
      },
    },
  ) as never;
}

/**
 * The OpenAPI document without any running dependency (for the linters and `npm run openapi:write`):
 * the same route specs and builder the gateway serves, their handlers never called.
 */
export function openApiDocument(config: Config): Record<string, unknown> {
  const deps = new Proxy({ config } as Partial<Deps>, {
    get: (t, prop: string) => (prop in t ? t[prop as keyof Deps] : untouched(`deps.${prop}`)),
  }) as Deps;
  const services = new Proxy({} as GatewayServices, { get: (_t, prop: string) => untouched(`services.${prop}`) });
  return buildOpenApi(routeSpecs(deps, services), API_VERSION, config.PUBLIC_BASE_URL);
}
