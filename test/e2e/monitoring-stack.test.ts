import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { ownTopics, waitFor } from '../support/platform';
import { spawnCompiled, sleep, type ChildHandle } from '../support/faults';
import { freePort } from '../support/fault-gateway';
import { exportedSeriesNames, metricNamesInQuery, PROMETHEUS_SYNTHETIC_SERIES } from '../support/promql-names';
import { PROCESSES } from '../../ops/platform/processes';
import { METRICS_PORT_OFFSETS } from '../../shared/process';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const RULES_DIR = path.join(root, 'ops/prometheus/rules');
const DASHBOARDS_DIR = path.join(root, 'ops/grafana/dashboards');
const ALERT = 'AuthBruteForceFromSource';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface Alert {
  status: string;
  labels: Record<string, string>;
}

const ruleFiles = () =>
  fs
    .readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => parse(fs.readFileSync(path.join(RULES_DIR, f), 'utf8')) as RuleFile);

/** A base METRICS_PORT whose every process offset is free (ports of others' stacks are left alone). */
async function freeMetricsBase(): Promise<number> {
  const { createServer } = await import('node:net');
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let i = 0; i < 50; i++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const all = await Promise.all(Object.values(METRICS_PORT_OFFSETS).map((o) => free(base + o)));
    if (all.every(Boolean)) return base;
  }
  throw new Error('no free range of metrics ports');
}

/**
 * `npm start`'s monitoring, end to end: Prometheus and Alertmanager as ops/infra/prometheus.sh and
 * alertmanager.sh run them (on private ports, state in a temporary INFRA_DIR, so another stack on
 * this machine is left alone), with ops/prometheus/prometheus.yml, the project's rules and
 * Alertmanager routes, scraping the three compiled platform processes npm start runs. The only
 * test changes: a 1 s scrape interval, a copy of the brute-force rule with a 2 s `for`, webhook URLs
 * pointing at a receiver in this test, and 1 s group waits.
 */
describe('e2e: Prometheus + Alertmanager over the platform processes (npm start monitoring)', function () {
  this.timeout(180_000);
  const received: { path: string; alerts: Alert[] }[] = [];
  let hook: http.Server;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let prom: string;
  let gatewayUrl: string;
  let metricsBase: number;
  const children: { name: string; handle: ChildHandle }[] = [];
  const infra = (script: string, action: string) => run('bash', [path.join(root, 'ops/infra', script), action], { cwd: root, env });
  const promApi = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${prom}${p}`);
    expect(res.status, p).to.equal(200);
    return ((await res.json()) as { data: T }).data;
  };

  before(async () => {
    for (const bin of ['prometheus', 'promtool']) {
      await run('sh', ['-c', `command -v ${bin}`]).catch(() => {
        throw new Error(`${bin} is not installed (Debian package prometheus: ops/infra/promtool.sh install)`);
      });
    }
    await run('sh', ['-c', 'command -v prometheus-alertmanager || command -v alertmanager']).catch(() => {
      throw new Error('Alertmanager is not installed (Debian package prometheus-alertmanager: ops/infra/promtool.sh install)');
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-e2e-'));

    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', alerts: (JSON.parse(body) as { alerts: Alert[] }).alerts });
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookPort = (hook.address() as { port: number }).port;

    // The project's routes; only the receivers' address and the waits before a first notification change.
    const am = parse(fs.readFileSync(path.join(root, 'ops/alertmanager/alertmanager.yml'), 'utf8')) as {
      route: { group_wait?: string; routes?: { group_wait?: string }[] };
      receivers: { name: string; webhook_configs?: { url: string }[] }[];
    };
    for (const r of am.receivers) for (const w of r.webhook_configs ?? []) w.url = `http://127.0.0.1:${hookPort}${new URL(w.url).pathname}`;
    am.route.group_wait = '1s';
    for (const r of am.route.routes ?? []) if (r.group_wait) r.group_wait = '1s';
    fs.writeFileSync(path.join(dir, 'alertmanager.yml'), stringify(am));

    // The security rule as the project has it, with only its `for` shortened.
    const original = ruleFiles()
      .flatMap((f) => f.groups.flatMap((g) => g.rules))
      .find((r) => r.alert === ALERT);
    expect(original, `${ALERT} in ops/prometheus/rules`).to.not.equal(undefined);
    fs.writeFileSync(path.join(dir, 'fast.yml'), stringify({ groups: [{ name: 'test.fast-security', rules: [{ ...original, for: '2s' }] }] }));

    metricsBase = await freeMetricsBase();
    const httpPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${httpPort}`;
    const own = await ownTopics();
    const processEnv = {
      ...own,
      METRICS_PORT: String(metricsBase),
      HTTP_PORT: String(httpPort),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      AUDIT_DIR: path.join(dir, 'audit'),
      AUDIT_CHECKPOINT_DIR: path.join(dir, 'audit-checkpoints'),
      // A burst from one address: the limiter would answer 429 before authenticating; this test is
      // about the alert, not the limiter.
      RATE_LIMIT_IP_FAILURES_PER_MIN: '100000',
      RATE_LIMIT_IP_PER_MIN: '100000',
      REDIS_KEY_PREFIX: `monitoring-${path.basename(dir)}:`,
    };
    for (const p of PROCESSES) children.push({ name: p.name, handle: spawnCompiled(p.entry, processEnv, [...p.args]) });

    const promPort = await freePort();
    prom = `http://127.0.0.1:${promPort}`;
    env = {
      ...process.env,
      INFRA_DIR: path.join(dir, 'infra'),
      PROMETHEUS_PORT: String(promPort),
      ALERTMANAGER_PORT: String(await freePort()),
      ALERTMANAGER_CONFIG: path.join(dir, 'alertmanager.yml'),
      METRICS_PORT: String(metricsBase),
      PROMETHEUS_EXTRA_RULES: path.join(dir, 'fast.yml'),
      PROMETHEUS_SCRAPE_INTERVAL: '1s',
    };
    await infra('alertmanager.sh', 'start');
    await infra('prometheus.sh', 'start');
  });

  after(async function () {
    this.timeout(60_000);
    if (env) {
      await infra('prometheus.sh', 'stop').catch((e: Error) => console.error(e.message));
      await infra('alertmanager.sh', 'stop').catch((e: Error) => console.error(e.message));
    }
    for (const { handle } of children) if (handle.child.exitCode === null) handle.child.kill('SIGTERM');
    await Promise.all(children.map(({ handle }) => Promise.race([handle.exited, sleep(15_000)])));
    for (const { handle } of children) if (handle.child.exitCode === null) handle.child.kill('SIGKILL');
    await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const exited = () => children.filter(({ handle }) => handle.child.exitCode !== null);
  const processOutput = () => children.map(({ name, handle }) => `[${name}] ${handle.output().slice(-1500)}`).join('\n');

  it('scrapes every platform process (all targets up) and has loaded every project rule', async () => {
    type Target = { labels: Record<string, string>; health: string; lastError: string };
    const services = [...PROCESSES.map((p) => p.name), 'prometheus'];
    const targets = await waitFor(
      'every target up',
      async () => {
        expect(exited(), processOutput()).to.deep.equal([]);
        const t = (await promApi<{ activeTargets: Target[] }>('/api/v1/targets')).activeTargets;
        return t.length === services.length && t.every((x) => x.health === 'up') && t;
      },
      90_000,
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(await promApi('/api/v1/targets'))}\n${processOutput()}`);
    });
    expect(targets.map((t) => t.labels.service).sort()).to.deep.equal(services.sort());

    const groups = (await promApi<{ groups: { name: string; rules: { name: string; health: string }[] }[] }>('/api/v1/rules')).groups;
    const loaded = new Map(groups.map((g) => [g.name, g.rules]));
    for (const file of ruleFiles())
      for (const g of file.groups) {
        expect(
          loaded.get(g.name)?.map((r) => r.name),
          g.name,
        ).to.deep.equal(g.rules.map((r) => r.alert ?? r.record));
      }
    expect(loaded.has('test.fast-security')).to.equal(true);
    const am = await promApi<{ activeAlertmanagers: { url: string }[] }>('/api/v1/alertmanagers');
    expect(am.activeAlertmanagers.map((a) => a.url)).to.deep.equal([`http://127.0.0.1:${env.ALERTMANAGER_PORT}/api/v2/alerts`]);
  });

  it(`an auth-failure burst fires ${ALERT}, routed by Alertmanager to security and security-pager`, async () => {
    let sent = 0;
    const statuses = new Set<number>();
    let bursting = true;
    // Bad keys spread over many scrapes (a rate needs an increase between two samples).
    const burst = (async () => {
      while (bursting) {
        const res = await fetch(`${gatewayUrl}/v1/orders`, { headers: { 'X-API-Key': `sk_bad_${sent}` } });
        statuses.add(res.status);
        await res.arrayBuffer();
        sent++;
        await sleep(50);
      }
    })();
    const firing = (p: string) => received.find((r) => r.path === p && r.alerts.some((a) => a.status === 'firing' && a.labels.alertname === ALERT));
    try {
      await waitFor('the alert at the security and security-pager webhooks', async () => firing('/security') && firing('/security-pager'), 90_000).catch(
        async (e: Error) => {
          const alerts = await promApi('/api/v1/alerts');
          throw new Error(
            `${e.message} (${sent} requests, statuses ${[...statuses]}; Prometheus alerts ${JSON.stringify(alerts)}; received ${JSON.stringify(received)})`,
          );
        },
      );
    } finally {
      bursting = false;
      await burst;
    }
    expect([...statuses]).to.deep.equal([401]);
    const alert = firing('/security-pager')!.alerts.find((a) => a.labels.alertname === ALERT)!;
    expect(alert.labels).to.include({ alertname: ALERT, severity: 'critical', team: 'security', service: 'gateway', source: '127.0.0.0/24' });
    expect(received.filter((r) => r.path === '/sre' && r.alerts.some((a) => a.labels.alertname === ALERT))).to.deep.equal([]);
  });

  it('every metric the dashboards and rules query is one the processes export (or a recorded or Prometheus series)', async () => {
    const exported = new Set<string>(PROMETHEUS_SYNTHETIC_SERIES);
    for (const p of PROCESSES) {
      const res = await fetch(`http://127.0.0.1:${metricsBase + METRICS_PORT_OFFSETS[p.name]}/metrics`);
      expect(res.status, p.name).to.equal(200);
      for (const n of exportedSeriesNames(await res.text())) exported.add(n);
    }
    const rules = ruleFiles().flatMap((f) => f.groups.flatMap((g) => g.rules));
    const known = new Set([...exported, ...rules.flatMap((r) => (r.record ? [r.record] : []))]);

    const unknown: string[] = [];
    const check = (where: string, expr: string) => {
      const names = metricNamesInQuery(expr);
      if (names.length === 0) unknown.push(`${where}: no metric found in '${expr}'`);
      for (const n of names) if (!known.has(n)) unknown.push(`${where}: ${n}`);
    };
    type Panel = { title?: string; panels?: Panel[]; targets?: { expr?: string }[] };
    const all = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...all(p.panels ?? [])]);
    let queries = 0;
    for (const f of fs.readdirSync(DASHBOARDS_DIR).filter((x) => x.endsWith('.json'))) {
      const dash = JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, f), 'utf8')) as { panels?: Panel[] };
      for (const p of all(dash.panels ?? []))
        for (const t of p.targets ?? [])
          if (t.expr) {
            queries++;
            check(`${f} panel '${p.title}'`, t.expr);
          }
    }
    expect(queries, 'dashboard queries').to.be.greaterThan(10);
    for (const r of rules) check(`rule ${r.alert ?? r.record}`, r.expr);
    expect(unknown, 'queries naming metrics no process exports').to.deep.equal([]);
  });
});
