import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface TestTls {
  dir: string;
  ca: string;
  caKey: string;
  cert: string;
  key: string;
}

/**
 * The throw-away test CA and loopback server certificate of ops/infra/tls.sh (openssl), made now if
 * this machine has none yet: the TLS tests never depend on a certificate kept in the repository.
 */
export function testTls(): TestTls {
  const dir = execFileSync('bash', [path.join(root, 'ops/infra/tls.sh'), 'path'], { encoding: 'utf8' }).trim();
  if (!fs.existsSync(path.join(dir, 'server.pem'))) execFileSync('bash', [path.join(root, 'ops/infra/tls.sh'), 'make'], { stdio: 'ignore' });
  return { dir, ca: path.join(dir, 'ca.pem'), caKey: path.join(dir, 'ca.key'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key') };
}

/** Another localhost certificate from the same test CA (a renewal), in a fresh folder. */
export function issueServerCertificate(tls: TestTls, cn = 'localhost'): { cert: string; key: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-cert-'));
  const key = path.join(out, 'server.key');
  const csr = path.join(out, 'server.csr');
  const cert = path.join(out, 'server.pem');
  const ext = path.join(out, 'server.ext');
  fs.writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', `/CN=${cn}`, '-keyout', key, '-out', csr], { stdio: 'ignore' });
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      tls.ca,
      '-CAkey',
      tls.caKey,
      '-CAcreateserial',
      '-CAserial',
      path.join(out, 'ca.srl'),
      '-days',
      '2',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      cert,
    ],
    {
      stdio: 'ignore',
    },
  );
  return { cert, key };
}

/** A CA that signed nothing the servers present: a client trusting only it must refuse them. */
export function unrelatedCa(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-other-ca-'));
  const ca = path.join(out, 'ca.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=unrelated test CA', '-keyout', path.join(out, 'ca.key'), '-out', ca],
    {
      stdio: 'ignore',
    },
  );
  return ca;
}

/** A variable the TLS tests need from `ops/infra/up.sh`; missing, the test fails naming it (never skips). */
export function tlsServiceEnv(name: 'TEST_REDIS_TLS_URL' | 'TEST_DATABASE_TLS_URL' | 'TEST_TLS_CA_FILE'): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: start the TLS listeners with \`bash ops/infra/up.sh && source .infra/env\` (npm test does)`);
  return v;
}
