import { expect } from 'chai';
import { exportedSeriesNames, metricNamesInQuery } from '../support/promql-names';

describe('PromQL metric names (monitoring test helper)', () => {
  it('finds the metrics of a query, not its functions, labels, strings, ranges or keywords', () => {
    expect(
      metricNamesInQuery(
        'histogram_quantile(0.95, sum by (le, route) (rate(stateset_http_request_duration_seconds_bucket{service=~"$service", route!="/x"}[$__rate_interval])))',
      ),
    ).to.deep.equal(['stateset_http_request_duration_seconds_bucket']);
    expect(metricNamesInQuery('service:a:rate5m >= 1 unless on (service) (service:b:ratio_rate5m < 0.1)')).to.deep.equal([
      'service:a:rate5m',
      'service:b:ratio_rate5m',
    ]);
    expect(metricNamesInQuery('sum(increase(x_total[10m] offset 1h)) by (reason) / ignoring(reason) group_left y or vector(0)')).to.deep.equal([
      'x_total',
      'y',
    ]);
    expect(metricNamesInQuery('topk(10, sum by (source) (rate(a_total{service=~"${service}"}[5m]))) > 1e3')).to.deep.equal(['a_total']);
    expect(metricNamesInQuery('time() - max by (service) ({__name__=~"a_seconds|b_seconds", service="x"})')).to.deep.equal(['a_seconds', 'b_seconds']);
    expect(metricNamesInQuery('label_replace(up, "dst", "$1", "instance", "(.*):.*")')).to.deep.equal(['up']);
  });

  it('reads every exported series name, also of metrics without samples, histograms as their parts', () => {
    const names = exportedSeriesNames(
      [
        '# HELP c_total a counter',
        '# TYPE c_total counter',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{le="1"} 0',
        '# TYPE s summary',
        'g{service="x"} 1',
      ].join('\n'),
    );
    expect([...names].sort()).to.deep.equal(['c_total', 'g', 'h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum', 's', 's_count', 's_sum']);
    expect(names.has('h_seconds')).to.equal(false);
  });
});
