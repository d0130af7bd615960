import { describe, expect, it } from 'vitest';
import { isCurrentNav } from './current-nav';

describe('the side bar entry of this page', () => {
  it('is the page itself or the page above it, a whole segment, in any case', () => {
    expect(isCurrentNav('/leads', '/leads')).toBe(true);
    expect(isCurrentNav('/leads/12', '/leads')).toBe(true);
    expect(isCurrentNav('/leads/12/history', '/leads')).toBe(true);
    expect(isCurrentNav('/Leads/12', '/leads')).toBe(true);
    expect(isCurrentNav('/leadsx', '/leads')).toBe(false);
    expect(isCurrentNav('/users', '/leads')).toBe(false);
    expect(isCurrentNav('/', '/leads')).toBe(false);
    expect(isCurrentNav('/dashboard', '/leads')).toBe(false);
  });
});
