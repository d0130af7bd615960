import { describe, expect, it } from 'vitest';
import { leadSearchTerm, matches } from './palette-search';

describe('leadSearchTerm', () => {
  it('sends a lead number at once, words from two characters, nothing for less', () => {
    expect(leadSearchTerm('3')).toBe('3');
    expect(leadSearchTerm(' #3001 ')).toBe('#3001');
    expect(leadSearchTerm('k')).toBeNull();
    expect(leadSearchTerm('  ')).toBeNull();
    expect(leadSearchTerm('ka')).toBe('ka');
  });

  it('cuts long input to what the server accepts', () => {
    expect(leadSearchTerm('x'.repeat(300))).toHaveLength(100);
  });
});

describe('matches', () => {
  it('needs every word typed, in any case', () => {
    expect(matches('Nye prosjekter', 'ny PRO')).toBe(true);
    expect(matches('Nye prosjekter', 'ny leads')).toBe(false);
    expect(matches('Økter', 'øk')).toBe(true);
  });

  it('shows everything for an empty query', () => {
    expect(matches('Leads', '')).toBe(true);
    expect(matches('Leads', '   ')).toBe(true);
  });
});
