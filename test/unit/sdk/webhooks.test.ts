import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from '../../../sdk';
import { webhookHeaders } from '../../../shared/webhooks/signature';

const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
const BODY = JSON.stringify({ type: 'operation.succeeded', data: { id: 'op-1', note: 'grüße' } });
const NOW = new Date('2026-12-06T10:00:00Z');
const nowS = NOW.getTime() / 1000;

describe('sdk verifyWebhook (Standard Webhooks)', () => {
  it('verifies what the standardwebhooks library signs, and what the platform sends', () => {
    const s = secret();
    const signature = new Webhook(s).sign('msg_1', NOW, BODY);
    const verified = verifyWebhook(s, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(nowS), 'webhook-signature': signature }, BODY, { now: NOW });
    expect(verified).to.deep.equal({ id: 'msg_1', timestamp: NOW, payload: JSON.parse(BODY) });

    const sent = new Headers(webhookHeaders([s], 'msg_2', nowS, BODY));
    expect(verifyWebhook(s, sent, Buffer.from(BODY), { now: NOW }).id).to.equal('msg_2');
  });

  it('agrees with the library on a message the platform signed: same payload', () => {
    const s = secret();
    const headers = webhookHeaders([s], 'msg_3', Math.floor(Date.now() / 1000), BODY);
    expect(new Webhook(s).verify(BODY, headers)).to.deep.equal(verifyWebhook(s, headers, BODY).payload);
  });

  it('accepts a message signed with any one of several secrets (a rotation), with either secret given', () => {
    const [old, current] = [secret(), secret()];
    const headers = webhookHeaders([current, old], 'msg_4', nowS, BODY);
    expect(verifyWebhook(old, headers, BODY, { now: NOW }).id).to.equal('msg_4');
    expect(verifyWebhook([secret(), current], headers, BODY, { now: NOW }).id).to.equal('msg_4');
  });

  it('refuses a wrong secret, a changed body, id or timestamp, a non-v1 signature and missing headers', () => {
    const s = secret();
    const headers = webhookHeaders([s], 'msg_5', nowS, BODY);
    const refused = (sec: string, h: Record<string, string>, body: string) =>
      expect(() => verifyWebhook(sec, h, body, { now: NOW })).to.throw(WebhookVerificationError);
    refused(secret(), headers, BODY);
    refused(s, headers, BODY.replace('op-1', 'op-2'));
    refused(s, { ...headers, 'webhook-id': 'msg_6' }, BODY);
    refused(s, { ...headers, 'webhook-timestamp': String(nowS + 1) }, BODY);
    refused(s, { ...headers, 'webhook-signature': headers['webhook-signature']!.replace('v1,', 'v2,') }, BODY);
    refused(s, { 'webhook-id': 'msg_5', 'webhook-timestamp': String(nowS) }, BODY);
  });

  it('refuses a timestamp outside the tolerance, either way', () => {
    const s = secret();
    const at = (offsetS: number) => webhookHeaders([s], 'msg_7', nowS + offsetS, BODY);
    expect(() => verifyWebhook(s, at(-301), BODY, { now: NOW })).to.throw(WebhookVerificationError, /tolerance/);
    expect(() => verifyWebhook(s, at(301), BODY, { now: NOW })).to.throw(WebhookVerificationError, /tolerance/);
    expect(verifyWebhook(s, at(-60), BODY, { now: NOW, toleranceS: 60 }).id).to.equal('msg_7');
    expect(() => verifyWebhook(s, at(-61), BODY, { now: NOW, toleranceS: 60 })).to.throw(WebhookVerificationError);
  });
});
