import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { renderPrometheusConfig } from '../../ops/infra/prometheus-config';

const root = path.join(__dirname, '..', '..');
const sourceDir = path.join(root, 'ops/prometheus');
const source = fs.readFileSync(path.join(sourceDir, 'prometheus.yml'), 'utf8');

describe('Prometheus config of npm start (ops/infra/prometheus-config.ts)', () => {
  it('keeps the project config with default ports: absolute rule files, Alertmanager on 9095, no token', () => {
    const c = renderPrometheusConfig(source, sourceDir, {}, undefined);
    expect(c.rule_files).to.deep.equal([path.join(sourceDir, 'rules/*.yml')]);
    expect(c.alerting!.alertmanagers[0]!.static_configs[0]!.targets).to.deep.equal(['127.0.0.1:9095']);
    const targets = Object.fromEntries(c.scrape_configs!.map((j) => [j.job_name, j.static_configs![0]!.targets[0]]));
    expect(targets).to.deep.equal({ gateway: '127.0.0.1:9464', workers: '127.0.0.1:9471', 'audit-sink': '127.0.0.1:9470', prometheus: '127.0.0.1:9090' });
    expect(c.scrape_configs!.some((j) => j.authorization)).to.equal(false);
  });

  it('moves the targets with METRICS_PORT, adds extra rules and a token file for the platform jobs only', () => {
    const c = renderPrometheusConfig(
      source,
      sourceDir,
      {
        METRICS_PORT: '20000',
        PROMETHEUS_PORT: '20100',
        ALERTMANAGER_PORT: '20200',
        PROMETHEUS_EXTRA_RULES: '/tmp/fast.yml',
        PROMETHEUS_SCRAPE_INTERVAL: '1s',
      },
      '/tmp/token',
    );
    expect(c.rule_files).to.include('/tmp/fast.yml');
    expect(c.global).to.include({ scrape_interval: '1s', evaluation_interval: '1s' });
    expect(c.alerting!.alertmanagers[0]!.static_configs[0]!.targets).to.deep.equal(['127.0.0.1:20200']);
    const jobs = Object.fromEntries(c.scrape_configs!.map((j) => [j.job_name, j]));
    expect(jobs.gateway!.static_configs![0]!.targets).to.deep.equal(['127.0.0.1:20000']);
    expect(jobs['audit-sink']!.static_configs![0]!.targets).to.deep.equal(['127.0.0.1:20006']);
    expect(jobs.prometheus!.static_configs![0]!.targets).to.deep.equal(['127.0.0.1:20100']);
    expect(jobs.gateway!.authorization).to.deep.equal({ type: 'Bearer', credentials_file: '/tmp/token' });
    expect(jobs.prometheus!.authorization).to.equal(undefined);
  });
});
