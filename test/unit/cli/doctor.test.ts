import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { doctorExitCode, formatDoctor, isPrivateHost, runDoctor } from '../../../ops/cli/doctor';

// A key file as custody wants it: outside the audit folders, readable by its owner only.
const keyDir = mkdtempSync(path.join(tmpdir(), 'doctor-key-'));
const keyFile = path.join(keyDir, 'audit-signing.pem');
writeFileSync(keyFile, 'not read by the doctor\n');
chmodSync(keyFile, 0o600);

const hardened: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://gateway:Vq8s2LrT9xWm4KpZ@db.internal:5432/stateset?sslmode=verify-full',
  REDIS_URL: 'rediss://:Yh3nB7cQ1vR8tJ6e@redis.internal:6380',
  API_KEY_PEPPER: 'p'.repeat(40),
  COMMAND_SIGNING_KEY: 'q'.repeat(40),
  WEBHOOK_SECRET_KEY: 'w'.repeat(40),
  JWT_SIGNING_SEED: 's'.repeat(40),
  TRUST_PROXY: '10.0.0.0/8',
  AUDIT_STORE: 's3',
  S3_ENDPOINT: 'https://s3.internal',
  S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  S3_SECRET_ACCESS_KEY: 'x'.repeat(40),
  AUDIT_SIGNING_KEY_PATH: keyFile,
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: keyFile,
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'gateway',
  KAFKA_SASL_PASSWORD: 'k'.repeat(40),
  DATABASE_ROLE: 'stateset_gateway',
};

const statusOf = (checks: Awaited<ReturnType<typeof runDoctor>>, name: string) => checks.find((c) => c.check === name)?.status;

describe('stateset doctor', () => {
  it('lists every failing item of the local defaults with its fix, and exits 1', async () => {
    const checks = await runDoctor({ NODE_ENV: 'production' }, 0);
    const failed = checks.filter((c) => c.status === 'fail').map((c) => c.check);
    expect(failed).to.include.members([
      'configuration',
      'database password',
      'database TLS',
      'Redis TLS',
      'Redis AUTH',
      'API-key pepper',
      'JWT signing key',
      'HTTPS or a trusted proxy',
      'Kafka TLS and SASL',
      'database role',
      'command signing key',
      'audit signing key',
      'container user',
    ]);
    for (const c of checks.filter((x) => x.status !== 'pass')) expect(c.fix, c.check).to.not.equal('');
    expect(doctorExitCode(checks, true)).to.equal(1);
    expect(formatDoctor(checks)).to.match(/^FAIL {2}configuration/);
  });

  it('passes every item of a hardened configuration', async () => {
    const checks = await runDoctor(hardened, 1000);
    const notPassing = checks.filter((c) => c.status !== 'pass').map((c) => `${c.check}: ${c.detail}`);
    expect(notPassing).to.deep.equal([]);
    expect(doctorExitCode(checks, true)).to.equal(0);
  });

  it('checks one process: a worker is not asked for HTTPS, the gateway not for the audit key', async () => {
    const worker = (await runDoctor({ ...hardened, TRUST_PROXY: '' }, 1000, 'worker')).map((c) => c.check);
    expect(worker).to.not.include.members(['HTTPS or a trusted proxy']);
    expect(worker).to.not.include('audit signing key');
    expect(worker).to.include.members(['database TLS', 'Kafka TLS and SASL', 'command signing key']);
    const gateway = (await runDoctor({ ...hardened, AUDIT_SIGNING_KEY_PATH: '' }, 1000, 'gateway')).map((c) => c.check);
    expect(gateway).to.include('HTTPS or a trusted proxy');
    expect(gateway).to.not.include('audit signing key');
    expect((await runDoctor({ ...hardened, AUDIT_SIGNING_KEY_PATH: '' }, 1000, 'audit-sink')).find((c) => c.check === 'audit signing key')?.status).to.equal(
      'fail',
    );
  });

  it('fails Kafka without TLS and SASL, and a process without its database role', async () => {
    const { KAFKA_SASL_MECHANISM: _m, KAFKA_SSL: _s, KAFKA_SASL_USERNAME: _u, KAFKA_SASL_PASSWORD: _p, DATABASE_ROLE: _r, ...open } = hardened;
    const checks = await runDoctor(open, 1000);
    expect(statusOf(checks, 'Kafka TLS and SASL')).to.equal('fail');
    expect(statusOf(checks, 'database role')).to.equal('fail');
    expect(checks.find((c) => c.check === 'Kafka TLS and SASL')?.detail).to.equal('PLAINTEXT');
  });

  it('refuses wildcards and public listeners', async () => {
    const checks = await runDoctor({ ...hardened, CORS_ORIGINS: '*', TRUST_PROXY: '0.0.0.0/0', METRICS_HOST: '0.0.0.0' }, 1000);
    expect(statusOf(checks, 'CORS')).to.equal('fail');
    expect(statusOf(checks, 'HTTPS or a trusted proxy')).to.equal('fail');
    expect(statusOf(checks, 'metrics listener')).to.equal('fail');
    // A shared-network listener is sound when it demands a token; the gateway may serve HTTPS itself.
    const tokened = await runDoctor(
      { ...hardened, METRICS_HOST: '0.0.0.0', METRICS_BEARER_TOKEN: 'm'.repeat(40), TRUST_PROXY: '', HTTP_TLS_CERT_FILE: keyFile, HTTP_TLS_KEY_FILE: keyFile },
      1000,
    );
    expect(statusOf(tokened, 'metrics listener')).to.equal('pass');
    expect(statusOf(tokened, 'HTTPS or a trusted proxy')).to.equal('pass');
    expect(statusOf(await runDoctor({ ...hardened, HSTS_MAX_AGE_S: '300' }, 1000), 'HSTS')).to.equal('fail');
  });

  it('fails a signing key inside an audit folder, a weak database password, and warns on debug logs', async () => {
    const checks = await runDoctor(
      {
        ...hardened,
        // The readable 0600 key, but with the audit folder moved around it: only its location is wrong.
        AUDIT_STORE: 'fs',
        AUDIT_DIR: keyDir,
        DATABASE_URL: 'postgres://u:stateset@db/x?sslmode=verify-full',
        LOG_LEVEL: 'debug',
      },
      1000,
    );
    expect(statusOf(checks, 'audit signing key')).to.equal('fail');
    expect(checks.find((c) => c.check === 'audit signing key')?.detail).to.match(/inside the audit directory/);
    expect(statusOf(checks, 'database password')).to.equal('fail');
    expect(statusOf(checks, 'log level')).to.equal('warn');
    expect(doctorExitCode([{ check: 'x', status: 'warn', detail: '', fix: 'y' }], false)).to.equal(0);
    expect(doctorExitCode([{ check: 'x', status: 'warn', detail: '', fix: 'y' }], true)).to.equal(1);
  });

  it('never prints a secret', async () => {
    const out = formatDoctor(await runDoctor(hardened, 1000)) + JSON.stringify(await runDoctor({ ...hardened, API_KEY_PEPPER: 'short' }, 1000));
    for (const secret of ['Vq8s2LrT9xWm4KpZ', 'Yh3nB7cQ1vR8tJ6e', 'p'.repeat(40), 's'.repeat(40), 'q'.repeat(40)]) expect(out).to.not.include(secret);
  });

  it('knows private addresses', () => {
    expect(['127.0.0.1', '10.1.2.3', '192.168.0.1', '172.20.0.1', '::1', 'fd00::1', 'localhost'].every(isPrivateHost)).to.equal(true);
    expect(['0.0.0.0', '8.8.8.8', '172.32.0.1', '::'].some(isPrivateHost)).to.equal(false);
  });
});
