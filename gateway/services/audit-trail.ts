import type { Request, Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TopicNames } from '../../schemas/topics';
import { OutboxWriter } from '../../shared/outbox';
import type { AuditInput } from '../../shared/audit';
import type { Logger } from '../../shared/logger';
import type { Principal } from '../auth/principal';

/** Gateway audit records go through the outbox like everyone else's, so the relay publishes them. */
export class AuditTrail {
  constructor(
    private readonly orm: MikroORM,
    private readonly topics: TopicNames,
    private readonly logger: Logger,
  ) {}

  async record(input: AuditInput): Promise<void> {
    const em = this.orm.em.fork();
    new OutboxWriter(em, this.topics).audit(input);
    await em.flush();
  }

  /** Fills request context (principal, tenant, ip, agent, request id) from the exchange. */
  async forRequest(req: Request, res: Response, input: AuditInput): Promise<void> {
    const principal = res.locals.principal as Principal | undefined;
    try {
      await this.record({
        tenantId: principal?.tenantId ?? null,
        principal: principal?.id ?? null,
        requestId: res.locals.requestId as string,
        sourceIp: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
        ...input,
      });
    } catch (err) {
      // The request's own outcome is decided elsewhere; a lost audit write must be loud.
      this.logger.error({ err, action: input.action }, 'audit record could not be written');
      throw err;
    }
  }
}
