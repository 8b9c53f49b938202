import net from 'node:net';

export interface DelayProxy {
  port: number;
  /** From now on every chunk, both ways, is held `ms` before it is passed on (order kept); 0: at once. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target`, that makes the dependency behind it answer late:
 * a slow network or an overloaded server, as the client sees it. Each direction is a queue, so a
 * chunk never overtakes an earlier one, and a delay change applies to chunks that arrive after it.
 */
export async function startDelayProxy(target: { host: string; port: number }): Promise<DelayProxy> {
  let delayMs = 0;
  const sockets = new Set<net.Socket>();
  const relay = (from: net.Socket, to: net.Socket) => {
    let last = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const due = Date.now() + delayMs;
      last = last.then(
        () =>
          new Promise<void>((resolve) => {
            setTimeout(
              () => {
                if (!to.destroyed) to.write(chunk);
                resolve();
              },
              Math.max(0, due - Date.now()),
            );
          }),
      );
    });
    from.on('end', () => void last.then(() => to.end()));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    setDelay: (ms) => (delayMs = ms),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
