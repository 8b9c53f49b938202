import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One line of the result table: a measure, its baseline (same run), the ratio and the goal. */
export interface Row {
  scenario: string;
  measure: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** value / baseline (for throughputs), shown as ×. */
  ratio?: number;
  goal: string;
  /** null: no goal, or not measurable this run. */
  ok: boolean | null;
  note?: string;
}

export interface ScenarioOutcome {
  rows: Row[];
  details: Record<string, unknown>;
}

const fmt = (v: number, unit: string) => (Number.isNaN(v) ? 'n/a' : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${unit}`);

export function renderTable(rows: Row[]): string {
  const head = ['scenario', 'measure', 'value', 'baseline (same run)', 'ratio', 'goal', 'ok'];
  const body = rows.map((r) => [
    r.scenario,
    r.measure + (r.note ? ` (${r.note})` : ''),
    fmt(r.value, r.unit),
    r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value, r.unit)}` : '',
    r.ratio === undefined ? '' : Number.isFinite(r.ratio) ? `×${r.ratio.toFixed(2)}` : 'n/a',
    r.goal,
    r.ok === null ? '–' : r.ok ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function writeResults(file: string, data: { options: unknown; rows: Row[]; details: Record<string, unknown>; startedAt: Date }): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const doc = {
    startedAt: data.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? null,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    options: data.options,
    rows: data.rows,
    details: data.details,
  };
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}
