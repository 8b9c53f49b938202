import type { Config } from '../../shared/config';
import { checkRow, type DeploymentCheck } from '../../shared/config/deployment-checks';
import { keyCustodyCheck } from './key-custody';
import { wormStoreConfig } from './store-config';

/** What only the audit sink needs, and checks at its own start: a WORM store and the signing key's custody. */
export async function auditSinkChecks(config: Config): Promise<DeploymentCheck[]> {
  return [
    checkRow('audit store', config.AUDIT_STORE === 's3', `AUDIT_STORE=${config.AUDIT_STORE}`, 'AUDIT_STORE=s3 on an Object Lock bucket', true),
    // The sink's own custody rule (unset, inside an audit folder, readable by others), not a second copy of it.
    await keyCustodyCheck(wormStoreConfig(config)),
  ];
}
