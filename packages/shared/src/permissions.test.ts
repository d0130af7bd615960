import { describe, expect, it } from 'vitest';
import { ROLES } from './enums';
import { hasPermission, PERMISSIONS, ROLE_PERMISSIONS } from './permissions';

describe('permission table', () => {
  it('denies by default', () => {
    expect(hasPermission(null, 'lead:read')).toBe(false);
    expect(hasPermission('nobody' as never, 'lead:read')).toBe(false);
  });
  it('never lets an auditor read personal data', () => {
    for (const p of ['lead:read', 'lead:export', 'audience:export', 'dsr:manage'] as const)
      expect(hasPermission('auditor', p)).toBe(false);
    expect(hasPermission('auditor', 'audit:read')).toBe(true);
  });
  it('keeps administration away from subsidiary users', () => {
    for (const p of [
      'subsidiary:write',
      'project:write',
      'project:assign',
      'user:manage',
      'audit:read',
      'dsr:manage',
      'lead:transfer',
    ] as const)
      expect(hasPermission('subsidiary_user', p)).toBe(false);
    expect(hasPermission('subsidiary_user', 'lead:export')).toBe(true);
  });
  it('gives the privacy officer rights work but not status changes', () => {
    expect(hasPermission('privacy_officer', 'dsr:manage')).toBe(true);
    expect(hasPermission('privacy_officer', 'audit:read')).toBe(true);
    expect(hasPermission('privacy_officer', 'lead:update')).toBe(false);
  });
  it('lets everyone who reviews leads keep saved views, but not the auditor', () => {
    for (const role of ['admin', 'privacy_officer', 'subsidiary_user'] as const)
      expect(hasPermission(role, 'view:manage')).toBe(true);
    expect(hasPermission('auditor', 'view:manage')).toBe(false);
  });
  it('lets only the admin share a view with everyone or remove anyone’s view', () => {
    for (const p of ['view:share_all', 'view:manage_any'] as const) {
      expect(hasPermission('admin', p)).toBe(true);
      for (const role of ['privacy_officer', 'subsidiary_user', 'auditor'] as const)
        expect(hasPermission(role, p)).toBe(false);
    }
    expect(hasPermission('privacy_officer', 'lead:export')).toBe(false);
  });
  it('shows the record of processing to privacy officer, admin and auditor only', () => {
    for (const role of ['admin', 'privacy_officer', 'auditor'] as const)
      expect(hasPermission(role, 'processing:read')).toBe(true);
    expect(hasPermission('subsidiary_user', 'processing:read')).toBe(false);
  });
  it('names the staff who saw a data subject only to those who handle requests', () => {
    for (const role of ['admin', 'privacy_officer'] as const)
      expect(hasPermission(role, 'dsr:seen_by')).toBe(true);
    for (const role of ['auditor', 'subsidiary_user'] as const)
      expect(hasPermission(role, 'dsr:seen_by')).toBe(false);
  });
  it('lists only known permissions for every role', () => {
    const known = new Set<string>(PERMISSIONS);
    for (const role of ROLES)
      for (const p of ROLE_PERMISSIONS[role]) expect(known.has(p)).toBe(true);
  });
});
