import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { startGateway, type RunningGateway } from '../../support/platform';
import { issueServerCertificate, testTls, type TestTls } from '../../support/tls';

/** What the server presents, and what it answers, over a TLS connection that verifies it with the test CA. */
function get(url: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers, agent: false }, (res) => {
      const serial = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().serialNumber;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, serial }));
    });
    req.on('error', reject);
  });
}

describe('gateway: HTTPS served by the gateway, certificate reload, HSTS only over TLS', function () {
  this.timeout(60_000);
  let tls: TestTls;
  let certDir: string;
  let gw: RunningGateway;
  let plain: RunningGateway;

  before(async () => {
    tls = testTls();
    // A copy the test can replace, as a secret mount or certbot would.
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-gw-tls-'));
    fs.copyFileSync(tls.cert, path.join(certDir, 'tls.crt'));
    fs.copyFileSync(tls.key, path.join(certDir, 'tls.key'));
    gw = await startGateway({
      HTTP_TLS_CERT_FILE: path.join(certDir, 'tls.crt'),
      HTTP_TLS_KEY_FILE: path.join(certDir, 'tls.key'),
      HTTP_TLS_RELOAD_MS: '100',
    });
    plain = await startGateway({ TRUST_PROXY: 'loopback' });
  });
  after(async () => {
    await gw?.close();
    await plain?.close();
  });

  it('answers over TLS with a certificate the test CA verifies, and sends HSTS', async () => {
    expect(gw.url).to.match(/^https:\/\/localhost:/);
    const r = await get(`${gw.url}/healthz`, fs.readFileSync(tls.ca));
    expect(r.status).to.equal(200);
    expect(r.headers['strict-transport-security']).to.equal('max-age=31536000; includeSubDomains');
    expect(r.serial).to.equal(new X509Certificate(fs.readFileSync(tls.cert)).serialNumber);
  });

  it('refuses a client that does not trust the CA, and plain HTTP on the TLS port', async () => {
    const untrusted = await get(`${gw.url}/healthz`, Buffer.from('')).then(
      () => 'connected',
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(untrusted).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
    const overHttp = await request(gw.url.replace('https://', 'http://'))
      .get('/healthz')
      .then(
        (r) => r.status,
        () => 'refused',
      );
    expect(overHttp).to.not.equal(200);
  });

  it('serves a renewed certificate without a restart, and keeps the current one when the new pair does not load', async () => {
    const renewed = issueServerCertificate(tls);
    const expected = new X509Certificate(fs.readFileSync(renewed.cert)).serialNumber;
    // A broken pair first (certificate without its key): the gateway must keep serving the old one.
    fs.copyFileSync(renewed.cert, path.join(certDir, 'tls.crt'));
    await new Promise((r) => setTimeout(r, 400));
    const during = await get(`${gw.url}/healthz`, fs.readFileSync(tls.ca));
    expect(during.status).to.equal(200);
    expect(during.serial).to.equal(new X509Certificate(fs.readFileSync(tls.cert)).serialNumber);
    fs.copyFileSync(renewed.key, path.join(certDir, 'tls.key'));
    let serial = '';
    for (let i = 0; i < 50 && serial !== expected; i++) {
      await new Promise((r) => setTimeout(r, 100));
      serial = (await get(`${gw.url}/healthz`, fs.readFileSync(tls.ca))).serial;
    }
    expect(serial).to.equal(expected);
  });

  it('sends no HSTS over plain HTTP, and sends it when a trusted proxy says the client used HTTPS', async () => {
    const direct = await request(plain.url).get('/healthz');
    expect(direct.headers).to.not.have.property('strict-transport-security');
    const proxied = await request(plain.url).get('/healthz').set('X-Forwarded-Proto', 'https');
    expect(proxied.headers['strict-transport-security']).to.match(/^max-age=31536000/);
  });
});
