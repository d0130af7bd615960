import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safe-next';

describe('safeNextPath', () => {
  it('keeps paths on this site', () => {
    expect(safeNextPath('/leads?status=new')).toBe('/leads?status=new');
  });

  it('refuses other sites and odd schemes', () => {
    for (const value of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      expect(safeNextPath(value)).toBe('/');
    }
  });

  it('never loops back to the login page', () => {
    expect(safeNextPath('/login?next=/leads')).toBe('/');
    expect(safeNextPath(null)).toBe('/');
  });
});
