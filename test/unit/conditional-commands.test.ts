import { expect } from 'chai';
import type { Request } from 'express';
import { commands } from '../../schemas/catalog';
import { orderHandlers } from '../../workers/orders/handlers';
import { inventoryHandlers } from '../../workers/inventory/handlers';
import { returnHandlers } from '../../workers/returns/handlers';
import { shipmentHandlers } from '../../workers/shipments/handlers';
import { warrantyHandlers } from '../../workers/warranties/handlers';
import { expectedVersionOf } from '../../gateway/http/conditional';
import { parseExpectedVersion, versionMatches } from '../../shared/kafka';
import { InputError } from '../../shared/errors';

const requestWith = (ifMatch: string | undefined) =>
  ({ get: (name: string) => (name.toLowerCase() === 'if-match' ? ifMatch : undefined) }) as unknown as Request;

describe('conditional commands (If-Match)', () => {
  it('every command on an existing resource (its path has :id) has a target whose version If-Match is checked against', () => {
    const all = [...orderHandlers, ...inventoryHandlers(900), ...returnHandlers, ...shipmentHandlers, ...warrantyHandlers];
    const withId = commands.filter((c) => c.route.path.includes(':id'));
    expect(withId.length).to.be.greaterThan(15);
    for (const c of withId) {
      const h = all.find((x) => x.command === c.type);
      expect(h, c.type).to.not.equal(undefined);
      expect(typeof h!.target, `${c.type} has a target`).to.equal('function');
    }
  });

  it('If-Match: "*" or strong tags of versions; anything else is a 400', () => {
    expect(expectedVersionOf(requestWith(undefined))).to.equal(undefined);
    expect(expectedVersionOf(requestWith('*'))).to.equal('*');
    expect(expectedVersionOf(requestWith('"3"'))).to.deep.equal([3]);
    expect(expectedVersionOf(requestWith(' "3", "12" '))).to.deep.equal([3, 12]);
    for (const bad of ['3', '"3', 'W/"3"', '"abc"', '"0"', '"-1"', '', '"3",', Array(17).fill('"1"').join(',')]) {
      expect(() => expectedVersionOf(requestWith(bad)), bad).to.throw(InputError);
    }
  });

  it('the expected-version header round-trips and matches as If-Match says', () => {
    expect(parseExpectedVersion('*')).to.equal('*');
    expect(parseExpectedVersion('3,4')).to.deep.equal([3, 4]);
    for (const bad of ['', '0', 'x', '3,', '"3"', '1e3']) expect(parseExpectedVersion(bad), bad).to.equal(null);
    expect(versionMatches('*', 9)).to.equal(true);
    expect(versionMatches([3, 4], 4)).to.equal(true);
    expect(versionMatches([3], 4)).to.equal(false);
  });
});
