import { expect } from 'chai';
import { DOMAINS } from '../../schemas/catalog';
import { UnknownDomainError, parseDomains } from '../../workers/domains';
import { workerProcessName } from '../../shared/worker/main';

describe('stateset worker --domains', () => {
  it('"all" hosts every domain of the catalog, in catalog order', () => {
    expect(parseDomains('all').map((d) => d.domain)).to.deep.equal([...DOMAINS]);
  });

  it('a list hosts exactly those domains, whatever their order or spacing', () => {
    expect(parseDomains(' inventory,orders ').map((d) => d.domain)).to.deep.equal(['orders', 'inventory']);
  });

  it('unknown, empty or repeated names are refused, naming the choices', () => {
    for (const bad of ['', ',', 'order', 'orders,orders', 'all,orders', 'orders;inventory']) {
      expect(() => parseDomains(bad), bad).to.throw(UnknownDomainError);
    }
    expect(() => parseDomains('ordres')).to.throw(/ordres.*orders, inventory, returns, shipments, warranties/);
  });

  it('one domain runs as worker-<domain>, several as worker (its own metrics port)', () => {
    expect(workerProcessName(parseDomains('returns'))).to.equal('worker-returns');
    expect(workerProcessName(parseDomains('orders,returns'))).to.equal('worker');
  });
});
