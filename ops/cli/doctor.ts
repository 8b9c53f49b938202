import { loadConfig, type Config } from '../../shared/config';
import { deploymentChecks, type DeploymentCheck, type DeploymentTarget } from '../../shared/config/deployment-checks';
import { auditSinkChecks } from '../../workers/audit-sink/deployment-checks';

export { isPrivateHost } from '../../shared/config/deployment-checks';
export type DoctorCheck = DeploymentCheck;

export type DoctorTarget = DeploymentTarget;

/** The shared checklist, plus the audit sink's own items unless the target is another process. */
export async function checkConfig(config: Config, env: NodeJS.ProcessEnv, uid: number | undefined, target: DoctorTarget = 'all'): Promise<DoctorCheck[]> {
  const checks = deploymentChecks(config, env, uid, target);
  if (target === 'all' || target === 'audit-sink') checks.push(...(await auditSinkChecks(config)));
  return checks;
}

/**
 * `stateset doctor`: the configuration is read as the processes would read it. A configuration the
 * processes refuse (e.g. a development secret in production) is one failed check, with the reasons.
 */
export async function runDoctor(env: NodeJS.ProcessEnv, uid = process.getuid?.(), target: DoctorTarget = 'all'): Promise<DoctorCheck[]> {
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
  const checks = await checkConfig(config, env, uid, target);
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
