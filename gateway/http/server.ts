import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { RequestListener } from 'node:http';
import type { Config } from '../../shared/config';
import type { Logger } from '../../shared/logger';

export interface GatewayServer {
  server: http.Server;
  protocol: 'http' | 'https';
  /** stops watching the certificate files */
  close(): void;
}

function readPair(config: Pick<Config, 'HTTP_TLS_CERT_FILE' | 'HTTP_TLS_KEY_FILE'>): { cert: Buffer; key: Buffer } {
  return { cert: fs.readFileSync(config.HTTP_TLS_CERT_FILE!), key: fs.readFileSync(config.HTTP_TLS_KEY_FILE!) };
}

/**
 * Plain HTTP, or HTTPS when a certificate and key are configured. The files are polled (a renewed
 * certificate is usually swapped in by a secret mount or certbot, not edited in place) and a changed
 * pair is installed with setSecureContext: new connections get it, open ones keep theirs, no restart.
 * A pair that does not load is logged and the current one kept.
 */
export function createGatewayServer(
  config: Pick<Config, 'HTTP_TLS_CERT_FILE' | 'HTTP_TLS_KEY_FILE' | 'HTTP_TLS_RELOAD_MS'>,
  app: RequestListener,
  logger: Logger,
): GatewayServer {
  if (!config.HTTP_TLS_CERT_FILE || !config.HTTP_TLS_KEY_FILE) return { server: http.createServer(app), protocol: 'http', close: () => {} };
  const server = https.createServer({ ...readPair(config), minVersion: 'TLSv1.2' }, app);
  const files = [config.HTTP_TLS_CERT_FILE, config.HTTP_TLS_KEY_FILE];
  const reload = (curr: fs.Stats, prev: fs.Stats) => {
    if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size) return;
    try {
      server.setSecureContext({ ...readPair(config), minVersion: 'TLSv1.2' });
      logger.info({ cert: config.HTTP_TLS_CERT_FILE }, 'gateway TLS certificate reloaded');
    } catch (err) {
      // Mid-rotation (certificate written, key not yet) is normal: the next poll completes it.
      logger.warn({ err: { message: (err as Error).message } }, 'gateway TLS certificate not reloaded; keeping the current one');
    }
  };
  for (const f of files) fs.watchFile(f, { interval: config.HTTP_TLS_RELOAD_MS, persistent: false }, reload);
  return { server, protocol: 'https', close: () => files.forEach((f) => fs.unwatchFile(f, reload)) };
}
