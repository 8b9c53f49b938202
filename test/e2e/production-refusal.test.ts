import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const root = path.resolve(__dirname, '..', '..');

/**
 * Every compiled process, started with NODE_ENV=production on a configuration that fails the
 * deployment checklist, exits 1 before connecting to anything and names each failed check.
 */
describe('e2e: production processes refuse an unsafe configuration', function () {
  this.timeout(60_000);
  const entries = ['dist/gateway/main.js', 'dist/workers/orders/main.js', 'dist/workers/main.js', 'dist/workers/audit-sink/main.js'];

  for (const entry of entries) {
    it(`${entry} exits 1 naming the failed checks`, () => {
      expect(fs.existsSync(path.join(root, entry)), `${entry} is missing: run \`npm run build\` (npm test does)`).to.equal(true);
      const run = spawnSync(process.execPath, [entry, ...(entry === 'dist/workers/main.js' ? ['--domains', 'all'] : [])], {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          API_KEY_PEPPER: 'p'.repeat(40),
          COMMAND_SIGNING_KEY: 'q'.repeat(40),
          JWT_SIGNING_SEED: 's'.repeat(40),
          WEBHOOK_SECRET_KEY: 'w'.repeat(40),
          // Unreachable on purpose: a process that got past the checks would hang or fail differently.
          DATABASE_URL: 'postgres://stateset:stateset@192.0.2.1:5432/stateset',
          REDIS_URL: 'redis://192.0.2.1:6379',
          KAFKA_BROKERS: '192.0.2.1:9092',
        },
      });
      expect(run.status, run.stderr).to.equal(1);
      for (const check of ['refusing to start in production', 'database password:', 'database TLS:', 'Redis AUTH:']) {
        expect(run.stderr + run.stdout).to.include(check);
      }
      // The sink adds its own item, the signing key's custody, to the same refusal.
      if (entry.includes('audit-sink')) expect(run.stderr).to.include('audit signing key:');
      expect(run.stderr + run.stdout).to.not.include('p'.repeat(40));
    });
  }
});
