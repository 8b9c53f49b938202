import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { envSchema } from '../../shared/config';
import { SECRET_VARIABLES } from '../../shared/config/load';
import { doctorExitCode, runDoctor } from '../../ops/cli/doctor';
import { PROCESSES } from '../../ops/platform/processes';
import { DOMAINS } from '../../schemas/catalog';

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
}

const compose = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
};
const services = compose.services;
const ours = Object.entries(services).filter(([, s]) => s.image === 'stateset:local');
const known = new Set(Object.keys(envSchema.shape));

describe('docker-compose.yml matches the config schema', () => {
  it('runs every platform process and the infrastructure', () => {
    for (const p of PROCESSES) expect(services, p.name).to.have.property(p.name);
    // The production shape: one worker service per domain, each on its own entry file.
    for (const d of DOMAINS) expect(services[`worker-${d}`]?.command, d).to.deep.equal(['node', `dist/workers/${d}/main.js`]);
    expect(services.worker?.command).to.deep.equal(['node', 'dist/workers/main.js', '--domains', 'all']);
    for (const infra of ['kafka', 'schema-registry', 'postgres', 'redis', 'prometheus', 'alertmanager', 'grafana']) {
      expect(services, infra).to.have.property(infra);
    }
  });

  it('sets only variables the config schema knows, and every one parses', () => {
    expect(ours.length).to.be.greaterThan(1);
    for (const [name, s] of ours) {
      // Compose interpolates `${VAR:?…}` from its own environment; stand a value in for each.
      const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'x')]));
      for (const k of Object.keys(env)) {
        const secretFile = k.endsWith('_FILE') && (SECRET_VARIABLES as readonly string[]).includes(k.slice(0, -5));
        expect(known.has(k) || secretFile, `${name}: ${k} is not in shared/config/schema.ts`).to.equal(true);
      }
      // Secrets are interpolated by compose; give them values to see the rest parse.
      const r = envSchema.safeParse({
        ...env,
        API_KEY_PEPPER: 'x'.repeat(40),
        JWT_SIGNING_SEED: 'y'.repeat(40),
        COMMAND_SIGNING_KEY: 'z'.repeat(40),
        WEBHOOK_SECRET_KEY: 'w'.repeat(40),
        KAFKA_SASL_PASSWORD: 'k'.repeat(40),
      });
      expect(r.success, `${name}: ${r.success ? '' : r.error.message}`).to.equal(true);
    }
  });

  it('takes secrets from the environment with no default', () => {
    for (const [name, s] of ours) {
      expect(String(s.environment?.API_KEY_PEPPER), name).to.match(/^\$\{API_KEY_PEPPER:\?/);
      expect(String(s.environment?.JWT_SIGNING_SEED), name).to.match(/^\$\{JWT_SIGNING_SEED:\?/);
      expect(String(s.environment?.DATABASE_URL), name).to.match(/^postgres:\/\/stateset:\$\{POSTGRES_PASSWORD:\?[^}]*\}@/);
      expect(String(s.environment?.REDIS_URL), name).to.match(/^rediss:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@/);
      expect(String(s.environment?.COMMAND_SIGNING_KEY), name).to.match(/^\$\{COMMAND_SIGNING_KEY:\?/);
      expect(String(s.environment?.KAFKA_SASL_PASSWORD), name).to.match(/^\$\{KAFKA_[A-Z_]+_PASSWORD:\?/);
    }
    expect(String(services.postgres!.environment!.POSTGRES_PASSWORD)).to.match(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(String(services.grafana!.environment!.GF_SECURITY_ADMIN_PASSWORD)).to.match(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
    // No literal password anywhere in the file.
    expect(fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')).to.not.match(/^\s*[A-Z_]*(PASSWORD|AUTH)[A-Z_]*:\s*(?!\$\{)\S/m);
  });

  it('publishes infrastructure ports on 127.0.0.1 only; only the gateway faces the network', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? []) {
        if (name === 'gateway') continue;
        expect(p, `${name} publishes ${p}`).to.match(/^127\.0\.0\.1:/);
      }
    }
  });

  it('points the processes at the compose services on their ports', () => {
    const env = services.gateway!.environment!;
    expect(String(env.KAFKA_BROKERS)).to.equal('kafka:9094');
    expect(String(env.SCHEMA_REGISTRY_URL)).to.match(/^http:\/\/schema-registry:8081/);
    expect(String(env.DATABASE_URL)).to.match(/@postgres:5432\//);
    expect(String(env.REDIS_URL)).to.match(/@redis:6380$/);
    expect(services.gateway!.ports).to.include(`${env.HTTP_PORT}:${env.HTTP_PORT}`);
  });

  it('passes `stateset doctor --production` on every platform service, with the secrets make-secrets.sh makes', async function () {
    this.timeout(30_000);
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'compose-secrets-')), 'secrets');
    execFileSync('bash', [path.join(__dirname, '..', '..', 'ops/compose/make-secrets.sh'), dir], { stdio: 'ignore' });
    // What `docker compose --env-file compose.env` interpolates, and where each secret file is mounted.
    const vars = Object.fromEntries(
      fs
        .readFileSync(path.join(dir, 'compose.env'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const interpolate = (v: string) => v.replace(/\$\{([A-Z_]+)(:\?[^}]*)?\}/g, (_m, name: string) => vars[name] ?? '');
    const secretFiles = Object.fromEntries(Object.entries(compose.secrets).map(([name, def]) => [name, interpolate(def.file)]));
    const mounted = (v: string) => v.replace(/\/run\/secrets\/([a-z_]+)/g, (_m, name: string) => secretFiles[name] ?? `missing secret ${name}`);
    const platform = ours.filter(([name]) => name !== 'setup');
    expect(platform.map(([n]) => n)).to.include.members(['gateway', 'worker-orders', 'audit-sink', 'worker']);
    for (const [name, s] of platform) {
      const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, mounted(interpolate(String(v)))]));
      // uid 1000: the image's `node` user (this test may run as root).
      const target = name === 'gateway' ? 'gateway' : name === 'audit-sink' ? 'audit-sink' : 'worker';
      const checks = await runDoctor(env, 1000, target);
      const notPassing = checks.filter((c) => c.status !== 'pass').map((c) => `${c.check}: ${c.detail}`);
      expect(notPassing, name).to.deep.equal([]);
      expect(doctorExitCode(checks, true), name).to.equal(0);
    }
  });
});
