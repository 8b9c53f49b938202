import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Permission } from '../../schemas/catalog';

export type RouteClass = 'read' | 'write' | 'auth';

/**
 * What a route demands, always declared: a permission; `authenticated` (any valid principal, the
 * handler itself narrows what it may do, e.g. token exchange); or `public`, deliberately.
 */
export type RouteAccess = Permission | 'authenticated' | 'public';

/**
 * A route and everything the edge needs to know about it. Every route names its permission
 * (or `public`, deliberately); the app refuses to start with one that does not.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  permission: RouteAccess;
  rateClass: RouteClass;
  summary: string;
  /**
   * For the OpenAPI document (SDK method names): camelCase, unique. Without one it is derived from
   * the method and path (gateway/http/operation-id.ts).
   */
  operationId?: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** HTTP statuses of success responses, for the OpenAPI document. */
  success: number;
  /** For the OpenAPI document: what the summary leaves out (filters, retention, concurrency). */
  description?: string;
  /** For the OpenAPI document: an example of the success body. */
  example?: unknown;
  /** For the OpenAPI document: error answers of this route beyond those every route has (status → when). */
  errors?: Readonly<Record<number, string>>;
  /** Example request body and success body, for the OpenAPI document (`example` is the success body alone). */
  examples?: { request?: unknown; response?: unknown };
  /** A GET answering `ETag` and honouring If-None-Match (304). */
  etag?: boolean;
  /** A command on an existing resource, taking If-Match (checked by the worker: 412 on mismatch). */
  ifMatch?: boolean;
  handler(req: Request, res: Response): Promise<void> | void;
}

export function defineRoute(spec: RouteSpec): RouteSpec {
  return spec;
}
