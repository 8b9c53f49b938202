import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { checkRow, type DeploymentCheck } from '../../shared/config/deployment-checks';
import { ConfigError } from '../../shared/errors';
import type { WormStoreConfig } from './store';

/** True when `inner` is `outer` or lies below it. */
function within(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Production custody of the checkpoint signing key: whoever can write the audit store must not also
 * hold the key that signs it, or they could rewrite a sealed segment and re-sign its checkpoint.
 * So the key must be given (never generated next to the data), lie outside every audit directory,
 * and be readable by its owner only. Returns the problems, each with its fix; empty = sound.
 */
export async function keyCustodyProblems(store: WormStoreConfig): Promise<string[]> {
  const keyPath = store.signingKeyPath;
  if (!keyPath) {
    return ['AUDIT_SIGNING_KEY_PATH is unset: the sink would generate the signing key inside the audit folder; give it a key file kept outside the store'];
  }
  const problems: string[] = [];
  const dirs = store.kind === 'fs' ? [store.dir, store.checkpointDir] : [store.stagingDir];
  for (const dir of dirs) {
    if (within(path.resolve(keyPath), path.resolve(dir)))
      problems.push(`AUDIT_SIGNING_KEY_PATH lies inside the audit directory ${dir}: keep the key outside the store`);
  }
  try {
    const st = await fsp.stat(keyPath);
    if ((st.mode & 0o077) !== 0) {
      problems.push(`AUDIT_SIGNING_KEY_PATH is readable or writable by group or others (mode ${(st.mode & 0o777).toString(8)}): chmod 600 it`);
    }
  } catch {
    problems.push('AUDIT_SIGNING_KEY_PATH does not name a readable file');
  }
  return problems;
}

/** The custody rule as a row of the deployment checklist (`stateset doctor`, the sink's production start). */
export async function keyCustodyCheck(store: WormStoreConfig): Promise<DeploymentCheck> {
  const problems = await keyCustodyProblems(store);
  return checkRow(
    'audit signing key',
    problems.length === 0,
    problems.length ? problems.join('; ') : `AUDIT_SIGNING_KEY_PATH=${store.signingKeyPath}`,
    'give AUDIT_SIGNING_KEY_PATH (or AUDIT_SIGNING_KEY_FILE) a key file outside both audit folders, mode 0600',
  );
}

/** At start outside development and tests: refuse to run on a key whose custody is unsound, naming every problem. */
export async function assertKeyCustody(store: WormStoreConfig): Promise<void> {
  const problems = await keyCustodyProblems(store);
  if (problems.length > 0) throw new ConfigError(`audit signing key custody:\n  ${problems.join('\n  ')}`);
}
