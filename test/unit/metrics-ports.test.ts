import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { loadConfig } from '../../shared/config';
import { METRICS_PORT_OFFSETS, metricsPort, type ProcessName } from '../../shared/process';
import { PROCESSES } from '../../ops/platform/processes';

/** Unit tests run on the development secrets, which need NODE_ENV to say so. */
const DEV = { NODE_ENV: 'test' };

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[]; labels?: { service?: string } }[];
}

describe('metrics ports', () => {
  it('Prometheus scrapes every process on the port it serves /metrics on', () => {
    const prom = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'ops/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: ScrapeConfig[];
    };
    const scraped = new Map<string, string>();
    for (const job of prom.scrape_configs)
      for (const sc of job.static_configs) {
        if (sc.labels?.service) scraped.set(sc.labels.service, sc.targets[0]!);
      }
    const base = loadConfig(DEV).METRICS_PORT;
    for (const p of PROCESSES) {
      expect(scraped.get(p.name), p.name).to.equal(`127.0.0.1:${metricsPort(base, p.name)}`);
    }
    const named = Object.keys(METRICS_PORT_OFFSETS) as ProcessName[];
    for (const p of PROCESSES) expect(named, p.name).to.include(p.name);
    expect(new Set(Object.values(METRICS_PORT_OFFSETS)).size, 'no two processes share a port').to.equal(named.length);
  });

  it('port 0 means an ephemeral port for every process', () => {
    expect(metricsPort(0, 'audit-sink')).to.equal(0);
  });
});
