import { expect } from 'chai';
import { CliUsageError, validateCliArgs } from '../../../ops/cli/args';

describe('CLI arguments', () => {
  it('refuses a mistyped expiry instead of making a key that never expires', () => {
    for (const bad of ['3O', '0', '-1', '1.5', '', ' 3', '1e3', 'NaN', '100000']) {
      expect(() => validateCliArgs({ 'expires-in-days': bad }), bad).to.throw(CliUsageError, /--expires-in-days/);
    }
    expect(validateCliArgs({ 'expires-in-days': '30' })['expires-in-days']).to.equal(30);
  });

  it('checks every other argument too, naming the bad one', () => {
    expect(() => validateCliArgs({ role: 'root' })).to.throw(CliUsageError, /--role "root"/);
    expect(() => validateCliArgs({ tenant: 'a b' })).to.throw(CliUsageError, /--tenant/);
    expect(() => validateCliArgs({ id: 'not-a-uuid' })).to.throw(CliUsageError, /--id/);
    expect(() => validateCliArgs({ store: 'ftp' })).to.throw(CliUsageError, /--store/);
    expect(() => validateCliArgs({ name: '   ' })).to.throw(CliUsageError, /--name/);
    expect(validateCliArgs({ tenant: 'demo', role: 'admin', store: 's3' })).to.deep.equal({ tenant: 'demo', role: 'admin', store: 's3' });
  });
});
