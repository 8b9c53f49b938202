/**
 * The metric names a PromQL expression reads, and the names a /metrics page exports: what the
 * monitoring test compares, so a dashboard panel or rule naming a metric no process exports fails.
 * Not a PromQL parser: label matchers, strings, ranges and grouping clauses are cut away, then every
 * remaining identifier that is not a function, an aggregation or a keyword is a metric name.
 */
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

export function metricNamesInQuery(expr: string): string[] {
  const names = new Set<string>();
  // A selector by name: {__name__="a"} or {__name__=~"a|b"} (alternatives of plain names only).
  for (const m of expr.matchAll(/__name__\s*=~?\s*"([^"]*)"/g)) {
    for (const n of m[1]!.split('|')) {
      if (!/^[a-zA-Z_:][\w:]*$/.test(n)) throw new Error(`cannot tell the metrics of __name__ matcher '${m[1]}'`);
      names.add(n);
    }
  }
  const bare = expr
    // Grafana's variables ($__rate_interval, ${service}, $service) stand in ranges or label values.
    .replace(/\$__\w+|\$\{\w+\}|\$\w+/g, '5m')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?\w+/g, ' ');
  for (const m of bare.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*(?![\w:])/g)) {
    const rest = bare.slice(m.index + m[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}

/**
 * The series names a Prometheus text exposition offers, samples or not: prom-client writes
 * `# TYPE` for a labelled metric that has no sample yet. A histogram is read as its _bucket, _sum
 * and _count series, a summary as itself, _sum and _count.
 */
export function exportedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      else if (kind === 'summary') for (const s of ['', '_sum', '_count']) names.add(name + s);
      else names.add(name);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}

/** Series Prometheus makes itself for every target and alert, whatever the target exports. */
export const PROMETHEUS_SYNTHETIC_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
  'ALERTS',
  'ALERTS_FOR_STATE',
];
