import { expect } from 'chai';
import { CommandSigner, COMMAND_SIGNATURE_HEADER, readHeader } from '../../shared/kafka';

const command = () => ({
  topic: 'stateset.orders.commands',
  key: 'order-1',
  value: Buffer.from('avro bytes'),
  headers: {
    'operation-id': '9b7c1e3e-1f6c-4a51-9d0e-6a2f4f3b8c11',
    'command-type': 'order.cancel.v1',
    'tenant-id': 'tenant-a',
    principal: 'key:abc',
    'request-id': 'req-1',
    'occurred-at': '2026-12-04T10:00:00.000Z',
  },
});

describe('command signatures', () => {
  const current = 'c'.repeat(40);
  const previous = 'p'.repeat(40);

  it('verifies what it signed, and only that', () => {
    const signer = new CommandSigner(current);
    const signed = signer.signMessage(command());
    expect(readHeader(signed.headers, COMMAND_SIGNATURE_HEADER)).to.match(/^v1=[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(signed)).to.equal(true);
    // Each covered field, changed after signing, breaks it: another tenant, principal, type, payload, key, topic.
    for (const [field, value] of [
      ['tenant-id', 'tenant-b'],
      ['principal', 'key:other'],
      ['command-type', 'order.create.v1'],
      ['operation-id', '00000000-0000-4000-8000-000000000000'],
      ['request-id', 'req-2'],
      ['occurred-at', '2026-12-05T10:00:00.000Z'],
    ] as const) {
      expect(signer.verify({ ...signed, headers: { ...signed.headers, [field]: value } }), field).to.equal(false);
    }
    expect(signer.verify({ ...signed, value: Buffer.from('other bytes') })).to.equal(false);
    expect(signer.verify({ ...signed, key: 'order-2' })).to.equal(false);
    expect(signer.verify({ ...signed, topic: 'stateset.inventory.commands' })).to.equal(false);
  });

  it("covers a command's expected-version (its If-Match): it cannot be added, removed or changed", () => {
    const signer = new CommandSigner(current);
    const plain = signer.signMessage(command());
    const conditional = signer.signMessage({ ...command(), headers: { ...command().headers, 'expected-version': '3' } });
    expect(signer.verify(conditional)).to.equal(true);
    expect(signer.verify({ ...conditional, headers: { ...conditional.headers, 'expected-version': '4' } }), 'changed').to.equal(false);
    expect(signer.verify({ ...conditional, headers: { ...conditional.headers, 'expected-version': '*' } }), 'widened').to.equal(false);
    const { 'expected-version': _dropped, ...without } = conditional.headers;
    expect(signer.verify({ ...conditional, headers: without }), 'removed').to.equal(false);
    expect(signer.verify({ ...plain, headers: { ...plain.headers, 'expected-version': '3' } }), 'added').to.equal(false);
    // A command without one signs exactly as before the header existed (commands in flight at an upgrade still verify).
    expect(readHeader(plain.headers, COMMAND_SIGNATURE_HEADER)).to.equal(
      readHeader(new CommandSigner(current).signMessage(command()).headers, COMMAND_SIGNATURE_HEADER),
    );
  });

  it('refuses an unsigned command, a malformed signature and another key', () => {
    const signer = new CommandSigner(current);
    expect(signer.verify(command())).to.equal(false);
    expect(signer.verify({ ...command(), headers: { ...command().headers, [COMMAND_SIGNATURE_HEADER]: 'v1=short' } })).to.equal(false);
    expect(signer.verify(new CommandSigner('x'.repeat(40)).signMessage(command()))).to.equal(false);
  });

  it('accepts the previous key during a rotation, and signs with the current one', () => {
    const before = new CommandSigner(previous).signMessage(command());
    const rotating = new CommandSigner(current, previous);
    expect(rotating.verify(before)).to.equal(true);
    expect(new CommandSigner(current).verify(rotating.signMessage(command()))).to.equal(true);
    expect(new CommandSigner(current).verify(before)).to.equal(false);
  });
});
