import type { TFunction } from 'i18next';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { type LeadRow, leadGridColumns } from './lead-columns';

/** A t() that names the language and the key it was asked for, so a cell shows where its text came from. */
const tIn = (language: string) =>
  ((key: string, options?: Record<string, unknown>) =>
    `${language}:${key}${options ? JSON.stringify(options) : ''}`) as unknown as TFunction;

const row = (over: Partial<LeadRow>): LeadRow =>
  ({
    id: 7,
    name: 'Kari Nordmann',
    email: 'kari@example.no',
    phone: null,
    status: 'new',
    projectName: 'Prosjekt',
    subsidiaryName: 'AS',
    assigneeName: null,
    assigneeActive: null,
    consentEmail: false,
    consentSms: false,
    restricted: false,
    legalHold: false,
    anonymisedAt: null,
    createdAt: Date.UTC(2026, 0, 15),
    lastActivityAt: null,
    ...over,
  }) as LeadRow;

function cellText(
  t: TFunction,
  column: Parameters<typeof leadGridColumns>[1][number],
  lead: LeadRow,
) {
  const [grid] = leadGridColumns(t, [column]);
  return renderToStaticMarkup(<MemoryRouter>{grid?.render(lead)}</MemoryRouter>).replace(
    /<[^>]+>/g,
    '',
  );
}

describe("the grid's cells, their strings looked up once per render", () => {
  it('shows each status, consent, flag and the unassigned text in the language of its t', () => {
    for (const language of ['nb', 'en']) {
      const t = tIn(language);
      for (const status of ['new', 'contacted', 'follow_up', 'sold', 'closed'] as const)
        expect(cellText(t, 'status', row({ status }))).toBe(`${language}:leadStatus.${status}`);
      expect(cellText(t, 'assignee', row({}))).toBe(`${language}:lead.unassigned`);
      expect(cellText(t, 'consentEmail', row({ consentEmail: true }))).toBe(
        `${language}:consent.granted`,
      );
      expect(cellText(t, 'consentSms', row({ consentSms: false }))).toBe(
        `${language}:consent.notGranted`,
      );
      expect(cellText(t, 'restricted', row({ restricted: true }))).toBe(`${language}:common.yes`);
      expect(cellText(t, 'legalHold', row({ legalHold: false }))).toBe(`${language}:common.no`);
    }
  });
});
