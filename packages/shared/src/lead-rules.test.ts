import { describe, expect, it } from 'vitest';
import { isLeadWorkable, leadWorkBlock } from './lead-rules';
import { seededRandom } from './random';
import { slugify } from './slug';

describe('leadWorkBlock', () => {
  it('blocks work on restricted and anonymised leads, and says why', () => {
    expect(leadWorkBlock({ restricted: false, anonymisedAt: null })).toBeNull();
    expect(leadWorkBlock({ restricted: true, anonymisedAt: null })).toBe('leadRestricted');
    // Anonymised says more than restricted: nothing is left to work on.
    expect(leadWorkBlock({ restricted: true, anonymisedAt: 1 })).toBe('leadAnonymised');
    expect(leadWorkBlock({ restricted: false, anonymisedAt: 0 })).toBe('leadAnonymised');
    expect(isLeadWorkable({ restricted: false, anonymisedAt: null })).toBe(true);
    expect(isLeadWorkable({ restricted: true, anonymisedAt: null })).toBe(false);
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed, in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(100);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });
});

describe('slugify', () => {
  it('spells out æ ø å and joins words with single dashes', () => {
    expect(slugify('Tromsø Sjøfront')).toBe('tromso-sjofront');
    expect(slugify('Kvåle-Park-aB3x')).toBe('kvale-park-ab3x');
  });
});
