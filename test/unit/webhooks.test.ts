import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { AddressGuard, generateSigningSecret, nextAttemptAt, SecretBox, signatureOf, webhookHeaders, WEBHOOK_EVENT_TYPES } from '../../shared/webhooks';
import { events } from '../../schemas/catalog';
import { sendWebhook } from '../../workers/webhooks/sender';

describe('webhooks: signatures (Standard Webhooks)', () => {
  it('the secret is whsec_ + base64 of 32 random bytes', () => {
    const s = generateSigningSecret();
    expect(s).to.match(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(s.slice(6), 'base64')).to.have.length(32);
    expect(generateSigningSecret()).to.not.equal(s);
  });

  it('what we sign, the standardwebhooks package verifies; a changed body, id or timestamp it refuses', () => {
    const secret = generateSigningSecret();
    const body = JSON.stringify({ type: 'operation.succeeded', data: { id: 'x' } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([secret], 'msg-1', ts, body);
    const wh = new Webhook(secret);
    expect(wh.verify(body, headers)).to.deep.equal(JSON.parse(body));
    expect(() => wh.verify(body.replace('x', 'y'), headers)).to.throw();
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'msg-2' })).to.throw();
    expect(() => wh.verify(body, { ...headers, 'webhook-timestamp': String(ts + 1) })).to.throw();
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).to.throw();
    // The same bytes the package itself would produce.
    expect(signatureOf(secret, 'msg-1', ts, body)).to.equal(wh.sign('msg-1', new Date(ts * 1000), body));
  });

  it('during a rotation both secrets sign: a receiver on either verifies', () => {
    const [old, fresh] = [generateSigningSecret(), generateSigningSecret()];
    const body = '{"a":1}';
    const headers = webhookHeaders([fresh, old], 'msg-1', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature']!.split(' ')).to.have.length(2);
    for (const s of [old, fresh]) expect(new Webhook(s).verify(body, headers)).to.deep.equal({ a: 1 });
  });

  it('subscribable types: both operation outcomes and every catalog event', () => {
    expect(WEBHOOK_EVENT_TYPES).to.include.members(['operation.succeeded', 'operation.failed', ...events.map((e) => e.type)]);
  });
});

describe('webhooks: signing secrets at rest', () => {
  it('seals with AES-GCM bound to the endpoint id; the previous key still opens; tampering and the wrong endpoint do not', () => {
    const secret = generateSigningSecret();
    const old = new SecretBox('k'.repeat(32));
    const sealed = old.seal(secret, 'endpoint-1');
    expect(sealed).to.not.include(secret.slice(6, 20));
    expect(old.open(sealed, 'endpoint-1')).to.equal(secret);
    expect(() => old.open(sealed, 'endpoint-2')).to.throw(/cannot be opened/);
    const rotated = new SecretBox('n'.repeat(32), 'k'.repeat(32));
    expect(rotated.open(sealed, 'endpoint-1')).to.equal(secret);
    expect(() => new SecretBox('n'.repeat(32)).open(sealed, 'endpoint-1')).to.throw(/cannot be opened/);
    const parts = sealed.split('.');
    parts[2] = Buffer.from('x'.repeat(10)).toString('base64url');
    expect(() => old.open(parts.join('.'), 'endpoint-1')).to.throw();
  });
});

describe('webhooks: address guard (SSRF)', () => {
  const guard = new AddressGuard();
  it('refuses loopback, private, link-local, unique-local, CGNAT, mapped and reserved addresses', () => {
    for (const a of [
      '127.0.0.1',
      '127.1.2.3',
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a00:1',
      'ff02::1',
      'not-an-ip',
    ]) {
      expect(guard.permits(a), a).to.equal(false);
    }
  });
  it('permits public addresses', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '::ffff:8.8.8.8', '2606:4700:4700::1111']) expect(guard.permits(a), a).to.equal(true);
  });
  it('WEBHOOK_ALLOWED_NETWORKS opens exactly the listed networks; a bad entry is refused at start', () => {
    const g = new AddressGuard(['127.0.0.1', '10.1.0.0/16', '::1']);
    expect(g.permits('127.0.0.1')).to.equal(true);
    expect(g.permits('127.0.0.2')).to.equal(false);
    expect(g.permits('10.1.200.3')).to.equal(true);
    expect(g.permits('10.2.0.1')).to.equal(false);
    expect(g.permits('::1')).to.equal(true);
    expect(() => new AddressGuard(['10.0.0.0/33'])).to.throw(/WEBHOOK_ALLOWED_NETWORKS/);
    expect(() => new AddressGuard(['example.com'])).to.throw(/WEBHOOK_ALLOWED_NETWORKS/);
  });
});

describe('webhooks: retry schedule', () => {
  const schedule = { initialMs: 5000, maxMs: 6 * 3600_000, horizonMs: 3 * 86_400_000 };
  const created = new Date('2026-12-06T00:00:00Z');
  it('backs off exponentially with jitter, capped', () => {
    const delays = [1, 2, 3, 4].map((n) => nextAttemptAt(n, created, created, schedule, () => 0)!.getTime() - created.getTime());
    expect(delays).to.deep.equal([2500, 5000, 10_000, 20_000]);
    const capped = nextAttemptAt(40, created, created, schedule, () => 0.999)!.getTime() - created.getTime();
    expect(capped)
      .to.be.lessThan(6 * 3600_000)
      .and.at.least(6 * 3600_000 * 0.99);
    const jittered = new Set([0.1, 0.5, 0.9].map((r) => nextAttemptAt(5, created, created, schedule, () => r)!.getTime()));
    expect(jittered.size).to.equal(3);
  });
  it('gives up when the next attempt would fall past 3 days after the event', () => {
    const late = new Date(created.getTime() + 3 * 86_400_000 - 60_000);
    expect(nextAttemptAt(20, created, late, schedule, () => 0.5)).to.equal(null);
    expect(nextAttemptAt(1, created, late, schedule, () => 0)).to.not.equal(null);
  });
  it('over the horizon the attempts number a few dozen, not thousands', () => {
    let attempts = 0;
    for (let at: Date | null = created; at; attempts++) at = nextAttemptAt(attempts + 1, created, at, schedule, () => 0.5);
    expect(attempts).to.be.within(15, 40);
  });
});

describe('webhooks: sender', () => {
  let server: Server;
  let url: string;
  let last: { headers: Record<string, unknown>; body: string } | null = null;
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        last = { headers: req.headers, body };
        if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
        else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 2000);
        else if (req.url === '/fail') res.writeHead(500).end('secret internals');
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const open = new AddressGuard(['127.0.0.1']);

  it('refuses a loopback receiver unless allow-listed, by literal and by name', async () => {
    const closed = new AddressGuard();
    expect((await sendWebhook(`${url}/ok`, {}, '{}', closed, 1000)).outcome).to.equal('refused');
    const byName = await sendWebhook(url.replace('127.0.0.1', 'localhost') + '/ok', {}, '{}', closed, 1000);
    expect(byName.outcome).to.equal('refused');
    expect(byName.error).to.match(/WEBHOOK_ALLOWED_NETWORKS/);
  });
  it('posts the body with the headers; 2xx is success', async () => {
    const r = await sendWebhook(`${url}/ok`, { 'webhook-id': 'm1' }, '{"x":1}', open, 1000);
    expect(r).to.include({ outcome: 'success', statusCode: 204, error: null });
    expect(last!.body).to.equal('{"x":1}');
    expect(last!.headers['webhook-id']).to.equal('m1');
    expect(last!.headers['content-type']).to.equal('application/json');
  });
  it('follows no redirect, times out, and never keeps what the receiver answered', async () => {
    const redirect = await sendWebhook(`${url}/redirect`, {}, '{}', open, 1000);
    expect(redirect).to.include({ outcome: 'http_error', statusCode: 302 });
    expect(redirect.error).to.match(/redirects are not followed/);
    const slow = await sendWebhook(`${url}/slow`, {}, '{}', open, 200);
    expect(slow.outcome).to.equal('timeout');
    expect(slow.latencyMs).to.be.below(1000);
    const fail = await sendWebhook(`${url}/fail`, {}, '{}', open, 1000);
    expect(fail).to.include({ outcome: 'http_error', statusCode: 500, error: 'HTTP 500' });
  });
});
