import { describe, expect, it } from 'vitest';
import { CONSENT_PURPOSES, DEFAULT_LEAD_COLUMNS, LEAD_COLUMNS, LEAD_STATUSES } from './enums';
import { toFieldErrors } from './errors';
import { leadFilterSchema } from './inputs';
import {
  type DroppedField,
  type LeadGridState,
  leadGridFromSearchParams,
  parseQueryString,
  type SearchParamsLike,
} from './lead-grid';

/**
 * The grid's URL reader checks each value by hand (no zod on the web app's first load,
 * issue 11). This is the reader as it was, through `leadFilterSchema`, the API's own rules:
 * both must give the same filter and the same dropped fields for every link.
 */
function throughZod(p: SearchParamsLike): LeadGridState {
  const readYesNo = (v: string | null) => (v === 'yes' ? true : v === 'no' ? false : undefined);
  const readId = (v: string | null) => {
    if (v === null || !/^[1-9]\d{0,15}$/.test(v)) return undefined;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : undefined;
  };
  const raw: Record<string, unknown> = {
    search: p.get('q') ?? undefined,
    projectId: readId(p.get('project')),
    subsidiaryId: readId(p.get('subsidiary')),
    status: p.get('status')?.split(',') ?? undefined,
    from: p.get('from') ?? undefined,
    to: p.get('to') ?? undefined,
    assigneeUserId: p.get('assignee') === 'unassigned' ? 'unassigned' : readId(p.get('assignee')),
    restricted: readYesNo(p.get('restricted')),
    legalHold: readYesNo(p.get('hold')),
    anonymised: readYesNo(p.get('anonymised')),
    sort: p.get('sort') ?? undefined,
    dir: p.get('dir') ?? undefined,
  };
  const consents: Record<string, boolean> = {};
  for (const purpose of CONSENT_PURPOSES) {
    const granted = readYesNo(p.get(`consent.${purpose}`));
    if (granted !== undefined) consents[purpose] = granted;
  }
  if (Object.keys(consents).length > 0) raw.consents = consents;
  const first = (issues: Parameters<typeof toFieldErrors>[0]) =>
    Object.values(toFieldErrors(issues))[0]?.[0] ?? { key: 'invalid' as const };
  const dropped: DroppedField[] = [];
  for (const key of Object.keys(raw)) {
    if (raw[key] === undefined) continue;
    const single = leadFilterSchema.safeParse({ [key]: raw[key] });
    if (!single.success) {
      delete raw[key];
      dropped.push({ field: key, ...first(single.error.issues) });
    }
  }
  let parsed = leadFilterSchema.safeParse(raw);
  if (!parsed.success) {
    delete raw.to;
    dropped.push({ field: 'to', ...first(parsed.error.issues) });
    parsed = leadFilterSchema.safeParse(raw);
  }
  const filter = parsed.success ? parsed.data : leadFilterSchema.parse({});
  const known = new Set<string>(LEAD_COLUMNS);
  const cols = (p.get('cols') ?? '')
    .split(',')
    .filter((c, i, all) => known.has(c) && all.indexOf(c) === i) as (typeof LEAD_COLUMNS)[number][];
  return {
    filter,
    columns: cols.length > 0 ? cols : [...DEFAULT_LEAD_COLUMNS],
    ...(dropped.length > 0 ? { dropped } : {}),
  };
}

/** Values per parameter: good ones, edge cases and junk, each tried alone and in pairs. */
const VALUES: Record<string, string[]> = {
  q: [
    'ola',
    '  ola  ',
    '',
    '   ',
    'a'.repeat(200),
    'a'.repeat(201),
    ` ${'a'.repeat(200)} `,
    'ola\u0000',
    '\u200b\u200b',
    'x\ud800',
    'æøå nordmann',
    'a\tb',
    'a\nb',
  ],
  project: ['3', '0', '-1', 'junk', '99999999999999999', '1.5'],
  subsidiary: ['2', 'x'],
  status: [
    'new',
    'new,contacted',
    'sold,new,sold',
    'new,lost',
    '',
    ',',
    'NEW',
    LEAD_STATUSES.join(','),
    [...LEAD_STATUSES, 'new'].join(','),
    'new,new,new,new,new,new,new',
  ],
  from: [
    '2024-01-01',
    '2000-01-01',
    '1999-12-31',
    '2100-12-31',
    '2101-01-01',
    '2024-02-30',
    '2024-02-29',
    '2023-02-29',
    '2024-13-01',
    '24-01-01',
    'junk',
    '',
    '2024-1-1',
    '2024-01-01T00:00:00Z',
    '0000-01-01',
    '9999-12-31',
  ],
  to: ['2024-03-31', '2023-12-31', '2024-01-01', 'junk', '2200-01-01'],
  assignee: ['12', 'unassigned', 'nobody', '0'],
  restricted: ['yes', 'no', 'maybe'],
  hold: ['yes', 'x'],
  anonymised: ['no', ''],
  sort: [
    'name',
    'createdAt',
    'project',
    'assignee',
    'email',
    'lastActivityAt',
    'status',
    'bogus',
    '',
    'NAME',
  ],
  dir: ['asc', 'desc', 'up', ''],
  'consent.marketing_email': ['yes', 'no', 'x'],
  'consent.marketing_sms': ['no'],
  cols: ['name,email', 'bogus', 'name,name', ''],
};

type Link = Record<string, string>;
const asParams = (link: Link): SearchParamsLike => ({ get: (name) => link[name] ?? null });

function links(): Link[] {
  const one = Object.entries(VALUES).flatMap(([key, values]) =>
    values.map((value) => ({ [key]: value })),
  );
  const pairs: Link[] = [];
  for (const from of VALUES.from ?? []) for (const to of VALUES.to ?? []) pairs.push({ from, to });
  const mixed = [
    'q=ola&status=new,lost&from=2024-03-01&to=2024-01-01&sort=bogus&dir=up&assignee=unassigned',
    'project=3&subsidiary=2&restricted=yes&hold=no&anonymised=no&consent.marketing_email=yes',
    `q=${'b'.repeat(300)}&status=&from=junk&to=2024-01-01&cols=email,name`,
  ].map((query) => Object.fromEntries(new URLSearchParams(query)));
  return [{}, ...one, ...pairs, ...mixed];
}

describe('the grid URL reader without zod', () => {
  const all = links();

  it(`reads ${all.length} links exactly as leadFilterSchema would`, () => {
    expect(all.length).toBeGreaterThan(100);
    for (const link of all) {
      const params = asParams(link);
      expect(leadGridFromSearchParams(params), JSON.stringify(link)).toEqual(throughZod(params));
    }
  });

  it('keeps a filter the API accepts, for every link', () => {
    for (const link of all) {
      const { filter } = leadGridFromSearchParams(asParams(link));
      expect(leadFilterSchema.safeParse(filter).success, JSON.stringify(link)).toBe(true);
    }
  });

  it('reads a query string as the browser gives it', () => {
    const state = leadGridFromSearchParams(parseQueryString('?q=ola+nordmann&status=new,lost'));
    expect(state.filter.search).toBe('ola nordmann');
    expect(state.dropped).toEqual([{ field: 'status', key: 'invalid' }]);
  });
});
