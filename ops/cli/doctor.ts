import { loadConfig, type Config } from '../../shared/config';
import { deploymentChecks, type DeploymentCheck } from '../../shared/config/deployment-checks';
import { keyCustodyCheck } from '../../workers/audit-sink/key-custody';
import { wormStoreConfig } from '../../workers/audit-sink/store-config';

export { isPrivateHost } from '../../shared/config/deployment-checks';
export type DoctorCheck = DeploymentCheck;

/** The shared checklist plus what only the sink enforces at its own start: the signing key's custody. */
export async function checkConfig(config: Config, env: NodeJS.ProcessEnv, uid: number | undefined): Promise<DoctorCheck[]> {
  const checks = deploymentChecks(config, env, uid);
  // The sink's own custody rule (unset, inside an audit folder, readable by others), not a second copy of it.
  checks.push(await keyCustodyCheck(wormStoreConfig(config)));
  return checks;
}

/**
 * `stateset doctor`: the configuration is read as the processes would read it. A configuration the
 * processes refuse (e.g. a development secret in production) is one failed check, with the reasons.
 */
export async function runDoctor(env: NodeJS.ProcessEnv, uid = process.getuid?.()): Promise<DoctorCheck[]> {
  const configurationFailure = (err: unknown): DoctorCheck => ({
    check: 'configuration',
    status: 'fail',
    detail: (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, '; '),
    fix: 'correct the variables named',
  });
  let config: Config;
  try {
    // Parsed as in development so that every other check still runs on a configuration production refuses.
    config = loadConfig(env, { NODE_ENV: 'development' });
  } catch (err) {
    return [configurationFailure(err)];
  }
  const checks = await checkConfig(config, env, uid);
  try {
    loadConfig(env);
  } catch (err) {
    checks.unshift(configurationFailure(err));
  }
  return checks;
}

/** With --production every warning counts as a failure too. */
export function doctorExitCode(checks: DoctorCheck[], production: boolean): number {
  return checks.some((c) => c.status === 'fail' || (production && c.status === 'warn')) ? 1 : 0;
}

export function formatDoctor(checks: DoctorCheck[]): string {
  const w = Math.max(...checks.map((c) => c.check.length));
  return checks.map((c) => `${c.status.toUpperCase().padEnd(4)}  ${c.check.padEnd(w)}  ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`).join('\n');
}
