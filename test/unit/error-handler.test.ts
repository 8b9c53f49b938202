import express from 'express';
import request from 'supertest';
import { expect } from 'chai';
import { ConnectionException, DriverException } from '@mikro-orm/core';
import { errorHandler } from '../../gateway/middleware/error-handler';
import { requestId } from '../../gateway/middleware/request-id';
import { createLogger } from '../../shared/logger';
import { createMetrics } from '../../shared/metrics';
import { DependencyUnavailableError } from '../../shared/errors';

function appThrowing(err: unknown) {
  const app = express();
  app.use(requestId());
  app.get('/x', () => {
    throw err;
  });
  app.use(errorHandler(createLogger('test', 'silent'), createMetrics('test')));
  return app;
}

describe('gateway error handler', () => {
  it('maps an unreachable database to 503 problem+json with Retry-After', async () => {
    for (const err of [new ConnectionException(new Error('connect ECONNREFUSED 127.0.0.1:5432')), new Error('connect ECONNREFUSED 127.0.0.1:5432')]) {
      const res = await request(appThrowing(err)).get('/x');
      expect(res.status).to.equal(503);
      expect(res.headers['retry-after']).to.equal('1');
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.text).to.not.include('5432');
    }
  });

  it('maps a backend terminated by a restart (SQLSTATE 57P01, no connection word in its message) to 503', async () => {
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect((await request(appThrowing(new DriverException(terminated))).get('/x')).status).to.equal(503);
    const constraint = Object.assign(new Error('some other driver failure'), { code: '42000' });
    expect((await request(appThrowing(new DriverException(constraint))).get('/x')).status).to.equal(500);
  });

  it('maps a dependency error to 503 and an unknown error to a 500 without details', async () => {
    expect((await request(appThrowing(new DependencyUnavailableError('kafka', 'down'))).get('/x')).status).to.equal(503);
    const res = await request(appThrowing(new Error('secret detail at /srv/x.js:12'))).get('/x');
    expect(res.status).to.equal(500);
    expect(res.text).to.not.include('secret detail');
    expect(res.body.requestId).to.equal(res.headers['x-request-id']);
  });
});
