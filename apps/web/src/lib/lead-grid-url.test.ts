import { leadGridFromSearchParams } from '@mg/shared';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LEAD_FILTER, leadFilterFromUrl } from './lead-grid-url';

describe('leadFilterFromUrl', () => {
  const urls = [
    '/leads',
    '/leads?cols=name,email',
    '/leads?q=ola',
    '/leads?status=new,contacted&sort=name&dir=asc',
    '/leads?from=2024-03-31&to=2024-01-01',
    '/leads?assignee=unassigned&consent.marketing_email=yes&cols=name',
    '/leads?project=junk',
  ];
  for (const path of urls) {
    it(`reads ${path} as the grid does`, async () => {
      const url = new URL(path, 'http://localhost');
      expect(await leadFilterFromUrl(url)).toEqual(
        leadGridFromSearchParams(url.searchParams).filter,
      );
    });
  }

  it('keeps the defaults equal to what the parser gives an empty URL', () => {
    expect(DEFAULT_LEAD_FILTER).toEqual(leadGridFromSearchParams(new URLSearchParams()).filter);
  });
});
