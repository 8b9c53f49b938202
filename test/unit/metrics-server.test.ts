import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { startMetricsServer } from '../../shared/process';

describe('metrics listener with a bearer token', () => {
  it('answers only a scrape that presents the token', async () => {
    const token = 't'.repeat(40);
    const server = await startMetricsServer(new Registry(), '127.0.0.1', 0, token);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      const none = await fetch(url);
      const wrong = await fetch(url, { headers: { Authorization: `Bearer ${'x'.repeat(40)}` } });
      const right = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
      expect([none.status, wrong.status, right.status]).to.deep.equal([401, 401, 200]);
      expect(none.headers.get('www-authenticate')).to.match(/^Bearer/);
      expect(await wrong.text()).to.not.include(token);
    } finally {
      server.close();
    }
  });

  it('answers every scrape without a token configured (a private listener)', async () => {
    const server = await startMetricsServer(new Registry(), '127.0.0.1', 0);
    try {
      expect((await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).status).to.equal(200);
    } finally {
      server.close();
    }
  });
});
