import express, { type Request, type Response } from 'express';
import request from 'supertest';
import { expect } from 'chai';
import { errorHandler } from '../../../gateway/middleware/error-handler';
import { requestDeadline } from '../../../gateway/middleware/request-deadline';
import { requestId } from '../../../gateway/middleware/request-id';
import { createLogger } from '../../../shared/logger';
import { createMetrics } from '../../../shared/metrics';
import { DeadlineExceededError } from '../../../shared/errors';

const BUDGET_MS = 150;

/** `/slow` answers after `answerAfterMs` (or fails then), as a handler behind a slow dependency would. */
function app(answerAfterMs: number, fail = false) {
  const metrics = createMetrics('test');
  const onError = errorHandler(createLogger('test', 'silent'), metrics);
  const a = express();
  a.use(requestId());
  a.use(requestDeadline(BUDGET_MS, 2, (req, res) => onError(new DeadlineExceededError(BUDGET_MS), req, res, () => undefined)));
  a.get('/slow', async (_req: Request, res: Response) => {
    // As the rate limiter does when its Redis answers, outside the request's promise chain: a
    // header set after the 503 must not throw (it would be an uncaught exception).
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        res.setHeader('RateLimit', 'limit=1, remaining=0, reset=1');
        resolve();
      }, answerAfterMs),
    );
    if (fail) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    res.json({ late: true });
  });
  a.use(onError);
  return { app: a, metrics };
}

describe('request deadline (REQUEST_TIMEOUT_MS)', () => {
  it('answers 503 problem+json with Retry-After when the budget runs out, and counts it', async () => {
    const { app: a, metrics } = app(BUDGET_MS * 4);
    const res = await request(a).get('/slow');
    expect(res.status).to.equal(503);
    expect(res.headers['retry-after']).to.equal('1');
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(res.body.type).to.match(/\/problems\/deadline-exceeded$/);
    expect((await metrics.requestDeadlineExceeded.get()).values[0]!.value).to.equal(1);
  });

  it('leaves an answer within the budget alone', async () => {
    const res = await request(app(10).app).get('/slow');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ late: true });
  });

  it('adds the wait a long-poll asked for (Prefer: wait=N, capped)', async () => {
    const res = await request(app(BUDGET_MS * 3).app)
      .get('/slow')
      .set('Prefer', 'wait=1');
    expect(res.status).to.equal(200);
  });

  it('drops what the handler does after the 503, a late failure included', async () => {
    const { app: a } = app(BUDGET_MS * 2, true);
    const res = await request(a).get('/slow');
    expect(res.status).to.equal(503);
    expect(res.body.type).to.match(/deadline-exceeded$/);
    await new Promise((r) => setTimeout(r, BUDGET_MS * 2));
  });
});
