import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { strictTransportSecurity } from './middleware/strict-transport-security';
import { docsContentSecurityPolicy } from './middleware/docs-content-security-policy';
import cors from 'cors';
import swaggerUi from 'swagger-ui-express';
import type { Deps } from '../shared/container';
import { DeadlineExceededError, MethodNotAllowedError, NotFoundError } from '../shared/errors';
import { requestId } from './middleware/request-id';
import { httpMetrics } from './middleware/http-metrics';
import { requireJsonBody } from './middleware/content-type';
import { errorHandler } from './middleware/error-handler';
import { requestDeadline } from './middleware/request-deadline';
import { authenticate } from './auth/authenticate';
import { AuthFailureSummaries } from './services/auth-failure-summary';
import { WaitQuota } from './services/wait-quota';
import { authorize } from './auth/authorize';
import { ApiKeyStore } from './auth/api-key-store';
import type { RouteAccess, RouteClass, RouteSpec } from './http/route-spec';
import { JwtService } from './auth/jwt';
import { PERMISSIONS } from '../schemas/catalog';
import { RateLimiter } from './services/rate-limiter';
import { createRateLimiting } from './middleware/rate-limit';
import { authRoutes } from './routes/auth';
import { apiKeyRoutes } from './routes/api-keys';
import { API_VERSION, buildOpenApi } from './http/openapi';
import { AuditTrail } from './services/audit-trail';
import { CommandService } from './services/command-service';
import { IdempotencyStore } from './services/idempotency';
import { OperationStore } from './services/operation-store';
import { OperationWaiter } from './services/operation-waiter';
import { ReadCache } from './services/read-cache';
import { commandRoutes } from './routes/commands';
import { operationRoutes } from './routes/operations';
import { eventRoutes } from './routes/events';
import { OperationCancellation } from './services/operation-cancel';
import { orderQueryRoutes } from './routes/orders';
import { inventoryQueryRoutes } from './routes/inventory';
import { returnQueryRoutes } from './routes/returns';
import { shipmentQueryRoutes } from './routes/shipments';
import { warrantyQueryRoutes } from './routes/warranties';
import { auditRoutes } from './routes/audit';
import { healthRoutes } from './routes/health';
import { webhookRoutes } from './routes/webhooks';
import { WebhookEndpointStore } from './services/webhook-endpoints';
import { AddressGuard, SecretBox } from '../shared/webhooks';
import type { AuthenticationError } from '../shared/errors';

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

export interface GatewayServices {
  apiKeys: ApiKeyStore;
  audit: AuditTrail;
  commands: CommandService;
  /** Wakes long-polls of GET /v1/operations/{id} when their operation is done. */
  operationWaiter: OperationWaiter;
  /** Issues and verifies bearer tokens (own keys and external issuers). */
  tokens: JwtService;
  /** GET answers of single resources and operations, dropped when their rows change. */
  reads: ReadCache;
  /** Per route class; absent means no rate limiting (unit tests only). */
  rateLimit?: (cls: RouteClass) => Middleware;
  /** Charged on each authentication failure, for the per-IP brute-force limit. */
  onAuthFailure?: (req: Request, res: Response, err: AuthenticationError) => Promise<void>;
  /** Before authentication: refuses an address over its failed-authentication budget. */
  beforeAuth?: Middleware;
  webhooks: WebhookEndpointStore;
  /** Writes what is still held in memory (the summaries of refused addresses); called on shutdown. */
  stop?: () => Promise<void>;
}

export function createGatewayServices(deps: Deps, overrides: Partial<GatewayServices> = {}): GatewayServices {
  const { config } = deps;
  const apiKeys = new ApiKeyStore(
    deps.orm,
    config.API_KEY_PEPPER,
    config.API_KEY_ENV,
    config.API_KEY_CACHE_TTL_MS,
    (source) => deps.metrics.apiKeyLookups.inc({ source }),
    config.API_KEY_PEPPER_PREVIOUS,
  );
  const audit = new AuditTrail(deps.orm, deps.topics, deps.logger);
  // A claim unanswered for longer than any request can live (claim, a publication bounded by the
  // broker timeout, an insert) was left by a dead gateway: the next retry resumes its operation.
  const idempotency = new IdempotencyStore(deps.orm, config.IDEMPOTENCY_TTL_H, 30_000 + 2 * config.KAFKA_REQUEST_TIMEOUT_MS);
  const commands = new CommandService(new OperationStore(deps.orm), deps.publisher, deps.codec, deps.topics, deps.metrics, idempotency, deps.commandSigner);
  const tokens = new JwtService(config, (keyId) => apiKeys.status(keyId), deps.logger);
  const summaries = new AuthFailureSummaries(config.RATE_LIMIT_WINDOW_S * 1000, (sum) =>
    audit
      .record({
        tenantId: null,
        principal: null,
        requestId: null,
        sourceIp: sum.source,
        userAgent: null,
        action: 'auth.refused_over_budget',
        outcome: 'failure',
        details: {
          source: sum.source,
          count: sum.count,
          firstAt: sum.firstAt.toISOString(),
          lastAt: sum.lastAt.toISOString(),
          reasons: sum.reasons,
        },
      })
      .catch((err: unknown) => {
        deps.logger.error({ err, source: sum.source }, 'summary of refused authentications could not be audited');
      }),
  );
  const limiting = createRateLimiting(new RateLimiter(deps.redis, config), deps.metrics, config, summaries);
  const operationWaiter = new OperationWaiter(deps.notifications);
  const reads = new ReadCache(deps.notifications, { maxEntries: config.READ_CACHE_MAX_ENTRIES, ttlMs: config.READ_CACHE_TTL_MS }, (result) =>
    deps.metrics.readCache.inc({ result }),
  );
  const webhooks = new WebhookEndpointStore(
    deps.orm,
    new SecretBox(config.WEBHOOK_SECRET_KEY, config.WEBHOOK_SECRET_KEY_PREVIOUS),
    deps.notifications.channel('webhook_due'),
  );
  return {
    apiKeys,
    audit,
    commands,
    webhooks,
    operationWaiter,
    tokens,
    reads,
    rateLimit: limiting.forClass,
    onAuthFailure: limiting.onAuthFailure,
    beforeAuth: limiting.beforeAuth,
    stop: () => summaries.flushAll(),
    ...overrides,
  };
}

export function routeSpecs(deps: Deps, services: GatewayServices): RouteSpec[] {
  return [
    ...healthRoutes(deps),
    ...authRoutes(services.tokens, services.audit),
    ...apiKeyRoutes(services.apiKeys, services.audit, deps.config.API_KEY_ROTATION_OVERLAP_S),
    ...commandRoutes(services.commands, services.audit),
    ...operationRoutes(deps.orm, {
      waiter: services.operationWaiter,
      cache: services.reads,
      maxWaitS: deps.config.OPERATION_MAX_WAIT_S,
      quota: new WaitQuota(deps.config.OPERATION_MAX_WAITS_PER_PRINCIPAL, deps.config.OPERATION_MAX_WAITS_PER_TENANT),
      cancellation: new OperationCancellation(deps.orm, deps.topics, deps.metrics, (input) => services.audit.record(input)),
      retentionDays: deps.config.OPERATION_RETENTION_DAYS,
    }),
    ...eventRoutes(deps.orm, deps.config.EVENT_RETENTION_DAYS),
    ...orderQueryRoutes(deps.orm, services.reads),
    ...inventoryQueryRoutes(deps.orm, services.reads),
    ...returnQueryRoutes(deps.orm, services.reads),
    ...shipmentQueryRoutes(deps.orm, services.reads),
    ...warrantyQueryRoutes(deps.orm, services.reads),
    ...auditRoutes(deps.orm),
    ...webhookRoutes(
      services.webhooks,
      services.audit,
      new AddressGuard(deps.config.WEBHOOK_ALLOWED_NETWORKS),
      deps.metrics,
      deps.config.WEBHOOK_SECRET_ROTATION_OVERLAP_S,
    ),
  ];
}

function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?:[A-Za-z]+/g, '[^/]+')}/?$`);
}

const ACCESS = new Set<string>([...PERMISSIONS, 'public', 'authenticated']);

/** Deny by default: the app refuses to start with a route that does not declare a known permission. */
export function assertDeclared(specs: readonly RouteSpec[]): void {
  for (const s of specs) {
    if (!s.permission) throw new Error(`route ${s.method.toUpperCase()} ${s.path} declares no permission`);
    if (!ACCESS.has(s.permission)) throw new Error(`route ${s.method.toUpperCase()} ${s.path} declares unknown permission ${String(s.permission)}`);
  }
}

/** Marks a route's first middleware with what it demands, so a test can walk the mounted router. */
export function tagAccess<T extends Middleware>(fn: T, access: RouteAccess): T & { access: RouteAccess } {
  return Object.assign(fn, { access });
}

/** The HTTP facade: a plain function of its dependencies, testable with supertest. */
export function createApp(deps: Deps, services: GatewayServices = createGatewayServices(deps)) {
  const { config, metrics } = deps;
  const specs = routeSpecs(deps, services);
  assertDeclared(specs);

  const app = express();
  app.disable('x-powered-by');
  // An ETag here is a resource version (gateway/http/conditional.ts), never Express's hash of whatever body, a problem's included.
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false);
  const onError = errorHandler(deps.logger, metrics);
  app.use(requestId());
  app.use(httpMetrics(metrics));
  app.use(
    requestDeadline(config.REQUEST_TIMEOUT_MS, config.OPERATION_MAX_WAIT_S, (req, res) =>
      onError(new DeadlineExceededError(config.REQUEST_TIMEOUT_MS), req, res, () => undefined),
    ),
  );
  // HSTS only where the browser can honour it: an answer over plain HTTP must not carry it.
  app.use(helmet({ strictTransportSecurity: false }));
  app.use(strictTransportSecurity(config.HSTS_MAX_AGE_S));
  app.use(
    cors({
      origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false,
      exposedHeaders: ['Location', 'Retry-After', 'X-Request-Id', 'RateLimit', 'RateLimit-Policy'],
    }),
  );
  app.use(requireJsonBody());
  app.use(express.json({ limit: config.HTTP_BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }));

  const auth = authenticate({
    apiKeys: services.apiKeys,
    tokens: services.tokens,
    metrics,
    audit: services.audit,
    onFailure: services.onAuthFailure,
  });
  const router = express.Router({ strict: false, caseSensitive: true });
  for (const spec of specs) {
    const chain: Middleware[] = [
      tagAccess((_req, res, next) => {
        res.locals.routeTemplate = spec.path;
        next();
      }, spec.permission),
    ];
    if (spec.permission === 'public') {
      if (services.rateLimit) chain.push(services.rateLimit(spec.rateClass));
    } else {
      if (services.beforeAuth) chain.push(services.beforeAuth);
      chain.push(auth);
      if (services.rateLimit) chain.push(services.rateLimit(spec.rateClass));
      if (spec.permission !== 'authenticated') chain.push(authorize(spec.permission, metrics, services.audit));
    }
    router[spec.method](spec.path, ...chain, async (req: Request, res: Response) => spec.handler(req, res));
  }
  app.use(router);

  const openapi = buildOpenApi(specs, API_VERSION, config.PUBLIC_BASE_URL);
  // The API description is public by design.
  const publicRead: Middleware[] = services.rateLimit ? [services.rateLimit('read')] : [];
  app.get(
    '/v1/openapi.json',
    tagAccess((_req, res, next) => {
      res.locals.routeTemplate = '/v1/openapi.json';
      next();
    }, 'public'),
    ...publicRead,
    (_req: Request, res: Response) => {
      res.json(openapi);
    },
  );
  app.use(
    '/docs',
    tagAccess((_req, res, next) => {
      res.locals.routeTemplate = '/docs';
      next();
    }, 'public'),
    ...publicRead,
    docsContentSecurityPolicy(),
    swaggerUi.serve,
    swaggerUi.setup(openapi),
  );

  const patterns = specs.map((s) => ({ re: pathPattern(s.path), method: s.method.toUpperCase() }));
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const allowed = patterns.filter((p) => p.re.test(req.path)).map((p) => p.method);
    if (allowed.length > 0) return next(new MethodNotAllowedError([...new Set(allowed)]));
    next(new NotFoundError(`no resource at ${req.path}`));
  });
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof MethodNotAllowedError) res.setHeader('Allow', err.allowed.join(', '));
    next(err);
  });
  app.use(onError);
  return { app, specs, openapi };
}
