/** The StateSet TypeScript client: `import { StatesetClient, verifyWebhook } from 'stateset/sdk'` (docs/SDK.md). */
export { StatesetClient, type StatesetClientOptions } from './client';
export type { CommandBody, CommandMethod, CommandOptions, ExistingResourceCommandOptions, IfMatch } from './commands';
export { Operation, MAX_WAIT_PER_REQUEST_S, type OperationView, type WaitOptions } from './operation';
export { Paginator, type Page } from './pagination';
export { ProblemError, OperationFailedError, OperationCancelledError, OperationTimeoutError, type Problem, type FieldIssue } from './errors';
export { Transport, type RetryOptions, type FetchLike, type HttpRequest, type HttpAnswer } from './transport';
export { verifyWebhook, WebhookVerificationError, type WebhookHeaders, type VerifiedWebhook } from './webhooks';
export type * from './types';
