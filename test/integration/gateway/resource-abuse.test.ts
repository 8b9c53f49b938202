import { expect } from 'chai';
import type { RunningGateway } from '../../support/platform';
import { call, gateway } from './support';

/** Attacks that try to make the platform spend more than the attacker does. */
describe('security: resource abuse', function () {
  this.timeout(60_000);

  describe('public /readyz', () => {
    let gw: RunningGateway;
    before(async () => { gw = await gateway(); });
    after(async () => gw?.close());

    it('200 probes, 50 at a time, cost one round of dependency checks per 2 s (one Kafka admin connection), not 200', async () => {
      let admins = 0;
      const started = Date.now();
      const kafka = gw.deps.kafka;
      const original = kafka.admin.bind(kafka);
      kafka.admin = (...a: Parameters<typeof kafka.admin>) => { admins += 1; return original(...a); };
      try {
        for (let wave = 0; wave < 4; wave++) {
          const res = await Promise.all(Array.from({ length: 50 }, () => call(`${gw.url}/readyz`)));
          for (const r of res) expect(r.status).to.equal(200);
        }
      } finally {
        kafka.admin = original;
      }
      // One round per 2 s cache interval at most (one in all unless this machine is very slow).
      expect(admins).to.be.at.least(1).and.at.most(1 + Math.floor((Date.now() - started) / 2000));
    });
  });
});
