import { expect } from 'chai';
import { isKafkajsPatched, scheduleCheckPendingRequests } from '../../shared/kafka/kafkajs-patches';
import '../../shared/kafka';

function queue(over: Partial<{ throttledUntil: number; pending: unknown[] }> = {}) {
  let checks = 0;
  const q = {
    throttledUntil: -1,
    throttleCheckTimeoutId: null as NodeJS.Timeout | null,
    pending: [] as unknown[],
    ...over,
    checkPendingRequests() {
      checks++;
    },
    scheduleCheckPendingRequests,
  };
  return { q, checks: () => checks };
}

describe('kafkajs request-queue patch (no TimeoutNegativeWarning on Node 24)', () => {
  it('is installed as soon as the Kafka module is loaded', () => {
    expect(isKafkajsPatched()).to.equal(true);
  });

  it('never throttled and nothing pending → no timer at all (kafkajs 2.2.4 set a negative one)', () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const { q } = queue();
    q.scheduleCheckPendingRequests();
    process.off('warning', onWarning);
    expect(q.throttleCheckTimeoutId).to.equal(null);
    expect(warnings.filter((w) => w.name === 'TimeoutNegativeWarning')).to.have.length(0);
  });

  it('pending requests are re-checked shortly; a throttled queue is checked when the throttle ends', async () => {
    const pending = queue({ pending: [{}] });
    pending.q.scheduleCheckPendingRequests();
    expect(pending.q.throttleCheckTimeoutId).not.to.equal(null);
    await new Promise((r) => setTimeout(r, 40));
    expect(pending.checks()).to.equal(1);

    const throttled = queue({ throttledUntil: Date.now() + 30 });
    throttled.q.scheduleCheckPendingRequests();
    expect(throttled.checks()).to.equal(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(throttled.checks()).to.equal(1);
  });
});
