import { expect } from 'chai';
import { backwardIncompatibility } from '../../ops/schemas/check-compat';

const v1 = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] };

describe('schema BACKWARD compatibility check', () => {
  it('accepts a new optional field with a default', () => {
    const v2 = { ...v1, fields: [...v1.fields, { name: 'b', type: ['null', 'string'], default: null }] };
    expect(backwardIncompatibility(v2, v1)).to.equal('');
  });
  it('refuses a new required field without a default', () => {
    const v2 = { ...v1, fields: [...v1.fields, { name: 'b', type: 'string' }] };
    expect(backwardIncompatibility(v2, v1)).to.not.equal('');
  });
  it('refuses a changed field type', () => {
    const v2 = { ...v1, fields: [{ name: 'a', type: 'int' }] };
    expect(backwardIncompatibility(v2, v1)).to.not.equal('');
  });
});
