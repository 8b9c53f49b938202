import { expect } from 'chai';
import { reconcileWithAnchors, type AnchorReading } from '../../../workers/audit-sink/anchors';

const reading = (kafka: [number, bigint][], index: [number, number, bigint][] = []): AnchorReading => ({
  kafkaCommitted: new Map(kafka),
  index: new Map(index.map(([p, count, maxOffset]) => [p, { count, maxOffset }])),
});

describe('audit store vs its anchors (Kafka committed offsets, audit_events index)', () => {
  const heads = [{ partition: 0, records: 20, lastOffset: '19' }];

  it('agree when Kafka and the index reach no further than the store (store ahead is a normal redelivery)', () => {
    expect(reconcileWithAnchors(heads, reading([[0, 20n]], [[0, 20, 19n]]))).to.equal(null);
    expect(reconcileWithAnchors(heads, reading([[0, 15n]], [[0, 12, 14n]]))).to.equal(null);
  });

  it('name a cut tail against Kafka, then against the index, and a missing range against the index', () => {
    expect(reconcileWithAnchors(heads, reading([[0, 25n]]))).to.include({ kind: 'behind-kafka', partition: 0 });
    expect(reconcileWithAnchors(heads, reading([[0, 20n]], [[0, 21, 20n]]))).to.include({ kind: 'behind-index', partition: 0 });
    expect(reconcileWithAnchors(heads, reading([[0, 20n]], [[0, 21, 19n]]))).to.include({ kind: 'behind-index', partition: 0 });
  });

  it('a partition the store lost entirely is reported, not skipped', () => {
    expect(reconcileWithAnchors([], reading([[1, 3n]]))).to.include({ kind: 'behind-kafka', partition: 1 });
  });
});
