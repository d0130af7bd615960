import { slugify as suggestSlug } from '@mg/shared';
import { describe, expect, it } from 'vitest';

describe('suggestSlug', () => {
  it('spells the Norwegian letters the way URLs usually do', () => {
    expect(suggestSlug('Ærlige Øvre Åsen')).toBe('aerlige-ovre-asen');
  });

  it('drops punctuation and other accents', () => {
    expect(suggestSlug('  Café Brygga, trinn 2! ')).toBe('cafe-brygga-trinn-2');
  });

  it('stays within the slug length limit without a trailing dash', () => {
    const slug = suggestSlug(`${'a'.repeat(79)} b`);
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith('-')).toBe(false);
  });
});
