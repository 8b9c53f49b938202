import { spawnCompiled, sleep, type ChildHandle } from './faults';

/**
 * The compiled gateway (dist/gateway/main.js) on a fixed port, so that a restarted process answers
 * at the same address the clients keep retrying; resolves once /healthz answers.
 */
export async function spawnGateway(port: number, env: Record<string, string>): Promise<ChildHandle> {
  const gw = spawnCompiled('dist/gateway/main.js', { ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', METRICS_PORT: '0', LOG_LEVEL: 'error' });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gw.child.exitCode !== null) throw new Error(`the gateway exited (${gw.child.exitCode}) on start: ${gw.output()}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (up) return gw;
    if (Date.now() > deadline) throw new Error(`the gateway did not answer /healthz within 30 s: ${gw.output()}`);
    await sleep(100);
  }
}

/** A free TCP port on 127.0.0.1 (the kernel's choice, released at once). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
