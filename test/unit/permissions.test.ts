import { expect } from 'chai';
import { ROLE_PERMISSIONS } from '../../gateway/auth/permissions';

describe('roles', () => {
  it('viewer can only read, and not the audit trail or metrics', () => {
    for (const p of ROLE_PERMISSIONS.viewer) expect(p).to.match(/:read$/);
    expect(ROLE_PERMISSIONS.viewer).to.not.include('audit:read');
    expect(ROLE_PERMISSIONS.viewer).to.not.include('metrics:read');
  });
  it('only admin manages API keys', () => {
    for (const role of ['manager', 'operator', 'viewer'] as const) expect(ROLE_PERMISSIONS[role]).to.not.include('api-keys:manage');
  });
  it('each role is a subset of the one above it', () => {
    const chain = ['viewer', 'operator', 'manager', 'admin'] as const;
    for (let i = 1; i < chain.length; i++) {
      for (const p of ROLE_PERMISSIONS[chain[i - 1]!]) expect(ROLE_PERMISSIONS[chain[i]!]).to.include(p);
    }
  });
});
