import { expect } from 'chai';
import { MicroBatcher } from '../../shared/batching';

describe('MicroBatcher', () => {
  it('callers of one event-loop turn share one call; each gets its own result', async () => {
    const calls: number[][] = [];
    const b = new MicroBatcher<number, number>(async (xs) => {
      calls.push(xs);
      return xs.map((x) => x * 10);
    });
    const results = await Promise.all([1, 2, 3].map((x) => b.add(x)));
    expect(results).to.deep.equal([10, 20, 30]);
    expect(calls).to.deep.equal([[1, 2, 3]]);
  });

  it('items that arrive while a batch is in flight go together in the next one; the cap splits batches', async () => {
    const calls: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, number>(async (xs) => {
      calls.push(xs);
      if (calls.length === 1) await gate;
      return xs;
    }, 2);
    const first = b.add(0);
    await new Promise((r) => setImmediate(r));
    const later = [1, 2, 3].map((x) => b.add(x));
    release();
    await Promise.all([first, ...later]);
    expect(calls).to.deep.equal([[0], [1, 2], [3]]);
  });

  it('a failed batch rejects each of its callers, and the next batch runs', async () => {
    let fail = true;
    const b = new MicroBatcher<number, number>(async (xs) => {
      if (fail) throw new Error('boom');
      return xs;
    });
    const failed = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(failed.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    fail = false;
    expect(await b.add(3)).to.equal(3);
  });
});
