/**
 * Renders the Prometheus config that ops/infra/prometheus.sh runs: ops/prometheus/prometheus.yml
 * (or PROMETHEUS_CONFIG) as the local processes need it. Run by prometheus.sh; prints nothing.
 *   tsx ops/infra/prometheus-config.ts <out-file>
 *
 * From the source config it changes only what depends on where things run:
 * - rule_files become absolute (Prometheus reads them relative to the config file, which moves),
 *   plus PROMETHEUS_EXTRA_RULES (a test's own rule file);
 * - the Alertmanager target becomes 127.0.0.1:ALERTMANAGER_PORT (9093 is Kafka's controller port);
 * - the platform targets move with METRICS_PORT, as the processes do (port − 9464 + METRICS_PORT);
 * - the self-scrape target becomes 127.0.0.1:PROMETHEUS_PORT;
 * - with METRICS_BEARER_TOKEN_FILE / METRICS_BEARER_TOKEN, every platform job sends that token
 *   (a token given inline is written to a mode-600 file beside the output: never on a command line);
 * - PROMETHEUS_SCRAPE_INTERVAL sets the scrape and rule intervals (tests: 1s).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';

interface ScrapeConfig {
  job_name: string;
  authorization?: { type: string; credentials_file: string };
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
}
interface PrometheusConfig {
  global?: Record<string, string>;
  rule_files?: string[];
  alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs?: ScrapeConfig[];
}

/** The gateway's METRICS_PORT in the source config; the other processes are offsets from it. */
const SOURCE_METRICS_PORT = 9464;
const SELF_JOB = 'prometheus';

export function renderPrometheusConfig(source: string, sourceDir: string, env: NodeJS.ProcessEnv, tokenFile: string | undefined): PrometheusConfig {
  const config = parse(source) as PrometheusConfig;
  const metricsPort = Number(env.METRICS_PORT ?? SOURCE_METRICS_PORT);
  if (!Number.isInteger(metricsPort) || metricsPort <= 0) throw new Error(`METRICS_PORT must be a fixed port to scrape, got '${env.METRICS_PORT}'`);
  const extra = (env.PROMETHEUS_EXTRA_RULES ?? '').split(',').filter(Boolean);
  config.rule_files = [...(config.rule_files ?? []).map((f) => path.resolve(sourceDir, f)), ...extra.map((f) => path.resolve(f))];
  if (env.PROMETHEUS_SCRAPE_INTERVAL) {
    config.global = { ...config.global, scrape_interval: env.PROMETHEUS_SCRAPE_INTERVAL, evaluation_interval: env.PROMETHEUS_SCRAPE_INTERVAL };
    // A scrape must end before the next one starts.
    config.global.scrape_timeout = env.PROMETHEUS_SCRAPE_INTERVAL;
  }
  const amPort = env.ALERTMANAGER_PORT ?? '9095';
  for (const am of config.alerting?.alertmanagers ?? []) am.static_configs = [{ targets: [`127.0.0.1:${amPort}`] }];
  for (const job of config.scrape_configs ?? []) {
    const self = job.job_name === SELF_JOB;
    for (const sc of job.static_configs ?? []) {
      sc.targets = sc.targets.map((t) => {
        if (self) return `127.0.0.1:${env.PROMETHEUS_PORT ?? '9090'}`;
        const [host, port] = t.split(':');
        return `${host}:${Number(port) - SOURCE_METRICS_PORT + metricsPort}`;
      });
    }
    if (!self && tokenFile) job.authorization = { type: 'Bearer', credentials_file: tokenFile };
  }
  return config;
}

function main(): void {
  const out = process.argv[2];
  if (!out) throw new Error('usage: prometheus-config.ts <out-file>');
  const sourceFile = path.resolve(process.env.PROMETHEUS_CONFIG ?? path.join(__dirname, '..', 'prometheus', 'prometheus.yml'));
  let tokenFile = process.env.METRICS_BEARER_TOKEN_FILE ? path.resolve(process.env.METRICS_BEARER_TOKEN_FILE) : undefined;
  if (!tokenFile && process.env.METRICS_BEARER_TOKEN) {
    tokenFile = path.join(path.dirname(path.resolve(out)), 'metrics_token');
    fs.writeFileSync(tokenFile, process.env.METRICS_BEARER_TOKEN, { mode: 0o600 });
    fs.chmodSync(tokenFile, 0o600);
  }
  const config = renderPrometheusConfig(fs.readFileSync(sourceFile, 'utf8'), path.dirname(sourceFile), process.env, tokenFile);
  fs.writeFileSync(out, `# Rendered by ops/infra/prometheus-config.ts from ${sourceFile}; do not edit.\n${stringify(config)}`);
}

if (require.main === module) main();
