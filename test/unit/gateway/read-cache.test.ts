import { expect } from 'chai';
import { ReadCache, type ReadCacheResult } from '../../../gateway/services/read-cache';
import type { PgListener } from '../../../shared/notify';

/** The part of PgListener the cache uses: channels, subscriptions and whether it is connected. */
class FakeListener {
  connected = true;
  private readonly handlers = new Map<string, ((payload: string) => void)[]>();
  channel(name: string) {
    return `s.${name}`;
  }
  on(channel: string, h: (payload: string) => void) {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), h]);
    return () => undefined;
  }
  notify(name: string, payload: string) {
    for (const h of this.handlers.get(`s.${name}`) ?? []) h(payload);
  }
}

function setup(maxEntries = 100) {
  const listener = new FakeListener();
  const results: ReadCacheResult[] = [];
  const cache = new ReadCache(listener as unknown as PgListener, { maxEntries, ttlMs: 60_000 }, (r) => results.push(r));
  let loads = 0;
  const load = (body: string | null) => async () => {
    loads++;
    return body === null ? null : { body };
  };
  return { listener, cache, results, load, loads: () => loads };
}

describe('gateway read cache', () => {
  it('serves a loaded answer again until its row changes; a miss (not found) is never kept', async () => {
    const { cache, listener, load, loads, results } = setup();
    expect(await cache.get('orders:1', 't', load('v1'))).to.deep.equal({ body: 'v1' });
    expect(await cache.get('orders:1', 't', load('unused'))).to.deep.equal({ body: 'v1' });
    listener.notify('row_changed', 'orders:1');
    expect(await cache.get('orders:1', 't', load('v2'))).to.deep.equal({ body: 'v2' });
    expect(await cache.get('orders:2', 't', load(null))).to.equal(null);
    expect(await cache.get('orders:2', 't', load(null))).to.equal(null);
    expect(loads()).to.equal(4);
    expect(results).to.deep.equal(['miss', 'hit', 'miss', 'miss', 'miss']);
  });

  it('operations are dropped by operation_done', async () => {
    const { cache, listener, load } = setup();
    await cache.get('operations:9', 't', load('accepted'));
    listener.notify('operation_done', '9');
    expect(await cache.get('operations:9', 't', load('succeeded'))).to.deep.equal({ body: 'succeeded' });
  });

  it('never answers another tenant from the cache', async () => {
    const { cache, load, loads } = setup();
    await cache.get('orders:1', 'owner', load('secret'));
    expect(await cache.get('orders:1', 'intruder', load(null))).to.equal(null);
    expect(loads()).to.equal(2);
  });

  it('a load overtaken by an invalidation is answered but not kept', async () => {
    const { cache, listener, loads } = setup();
    let release!: () => void;
    const slow = async () => {
      await new Promise<void>((r) => (release = r));
      return { body: 'stale' };
    };
    const pending = cache.get('orders:1', 't', slow);
    // Concurrent readers of the same row share the load.
    const sharing = cache.get('orders:1', 't', async () => ({ body: 'never loaded' }));
    listener.notify('row_changed', 'orders:1');
    release();
    expect(await pending).to.deep.equal({ body: 'stale' });
    expect(await sharing).to.deep.equal({ body: 'stale' });
    expect(cache.size).to.equal(0);
    expect(loads()).to.equal(0);
  });

  it('is bypassed while the listener is disconnected and emptied when it reconnects', async () => {
    const { cache, listener, load, results } = setup();
    await cache.get('orders:1', 't', load('v1'));
    listener.connected = false;
    expect(await cache.get('orders:1', 't', load('v2'))).to.deep.equal({ body: 'v2' });
    listener.connected = true;
    listener.notify('row_changed', ''); // what PgListener sends every subscriber after a reconnect
    expect(cache.size).to.equal(0);
    expect(results).to.deep.equal(['miss', 'bypass']);
  });

  it('keeps at most maxEntries, dropping the oldest; 0 turns it off', async () => {
    const { cache, load } = setup(2);
    for (const id of [1, 2, 3]) await cache.get(`orders:${id}`, 't', load(`v${id}`));
    expect(cache.size).to.equal(2);
    expect(await cache.get('orders:1', 't', load('reloaded'))).to.deep.equal({ body: 'reloaded' });
    const off = setup(0);
    await off.cache.get('orders:1', 't', off.load('a'));
    await off.cache.get('orders:1', 't', off.load('b'));
    expect(off.loads()).to.equal(2);
    expect(off.results).to.deep.equal(['bypass', 'bypass']);
  });
});
