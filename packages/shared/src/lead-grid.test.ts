import { describe, expect, it } from 'vitest';
import { addDays, osloDate, osloDayStart, weekStart } from './dates';
import { toFieldErrors } from './errors';
import {
  dashboardInput,
  leadBulkInput,
  leadBulkRestoreInput,
  leadExportInput,
  leadFilterSchema,
  leadListInput,
} from './inputs';
import {
  isMineLeadFilter,
  leadExportPath,
  leadGridFromSearchParams,
  leadGridToSearchParams,
  mineLeadFilter,
  OPEN_LEAD_STATUSES,
  parseQueryString,
  toQueryString,
} from './lead-grid';
import {
  decodeLeadCursor,
  emailSortKey,
  encodeLeadCursor,
  LEAD_SORT_FIRST_DIR,
  nameSortKey,
} from './lead-sort';

describe('lead cursor', () => {
  it('round-trips sort values, including Norwegian letters', () => {
    for (const value of [1_700_000_000_123, 0, 'ærlig østby', '}se |rnes', 'émile']) {
      const sort = typeof value === 'string' ? 'name' : 'createdAt';
      const cursor = { sort, dir: 'asc', value, id: 42 } as const;
      const encoded = encodeLeadCursor(cursor);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeLeadCursor(encoded)).toEqual(cursor);
    }
  });

  it('refuses anything that is not a cursor it made', () => {
    for (const bad of [
      '',
      'x',
      '!!!',
      encodeLeadCursor({ sort: 'name', dir: 'asc', value: 5, id: 1 }),
    ])
      expect(decodeLeadCursor(bad)).toBeNull();
    const wrongSort = btoaUrl(JSON.stringify(['owner', 'asc', 1, 1]));
    expect(decodeLeadCursor(wrongSort)).toBeNull();
    const badId = btoaUrl(JSON.stringify(['createdAt', 'asc', 1, -1]));
    expect(decodeLeadCursor(badId)).toBeNull();
  });

  it('carries name key, group id and received time for the project and assignee sorts', () => {
    for (const sort of ['project', 'assignee'] as const)
      for (const value of [
        ['{rfugl brygge', 12, 1_700_000_000_123],
        ['', 0, 1_700_000_000_123], // no assignee: the last group
      ] as const) {
        const cursor = { sort, dir: 'desc', value, id: 9 } as const;
        expect(decodeLeadCursor(encodeLeadCursor(cursor))).toEqual(cursor);
      }
    for (const value of [
      'åsen',
      5,
      ['a', 1],
      ['a', -1, 5],
      ['a', 1.5, 5],
      [1, 1, 5],
      ['a', 1, '5'],
      ['a', 1, 5, 6],
    ])
      expect(decodeLeadCursor(btoaUrl(JSON.stringify(['project', 'asc', value, 1])))).toBeNull();
    // A group position is no cursor for a sort by a column, and the other way round.
    expect(decodeLeadCursor(btoaUrl(JSON.stringify(['name', 'asc', ['a', 1, 5], 1])))).toBeNull();
  });

  it('must match the sort and direction it is used with', () => {
    const cursor = encodeLeadCursor({ sort: 'createdAt', dir: 'desc', value: 1, id: 1 });
    expect(leadListInput.safeParse({ cursor }).success).toBe(true);
    const r = leadListInput.safeParse({ cursor, sort: 'name' });
    expect(r.success).toBe(false);
    if (!r.success) expect(toFieldErrors(r.error.issues).cursor?.[0]?.key).toBe('invalid');
  });
});

/** base64url of ASCII text, written out so the test does not share code with the codec. */
function btoaUrl(text: string) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let bits = '';
  for (const ch of text) bits += ch.charCodeAt(0).toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 6)
    out += alphabet[Number.parseInt(bits.slice(i, i + 6).padEnd(6, '0'), 2)];
  return out;
}

describe('name sort key', () => {
  it('orders case-insensitively with æ ø å after z', () => {
    const names = ['Åse Ørnes', 'ola Hansen', 'Zahl', 'Ærlig Østby', 'Østby', 'Anne', 'bjørn'];
    // Plain code-unit order equals SQLite's byte order for these (no astral characters).
    const sorted = [...names].sort((a, b) => (nameSortKey(a) < nameSortKey(b) ? -1 : 1));
    expect(sorted).toEqual([
      'Anne',
      'bjørn',
      'ola Hansen',
      'Zahl',
      'Ærlig Østby',
      'Østby',
      'Åse Ørnes',
    ]);
    expect(nameSortKey(null)).toBe('');
  });
});

describe('Oslo calendar days', () => {
  it('starts days at Oslo midnight in winter and summer', () => {
    expect(new Date(osloDayStart('2024-01-15')).toISOString()).toBe('2024-01-14T23:00:00.000Z');
    expect(new Date(osloDayStart('2024-07-15')).toISOString()).toBe('2024-07-14T22:00:00.000Z');
    // The day summer time starts (31 March 2024) begins in winter time.
    expect(new Date(osloDayStart('2024-03-31')).toISOString()).toBe('2024-03-30T23:00:00.000Z');
    expect(new Date(osloDayStart('2024-04-01')).toISOString()).toBe('2024-03-31T22:00:00.000Z');
    expect(osloDate(Date.parse('2024-01-14T23:30:00Z'))).toBe('2024-01-15');
  });
  it('does calendar arithmetic', () => {
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(weekStart('2024-06-16')).toBe('2024-06-10'); // a Sunday
    expect(weekStart('2024-06-10')).toBe('2024-06-10');
  });
});

describe('filter validation', () => {
  it('refuses a date range that ends before it starts', () => {
    const r = leadListInput.safeParse({ from: '2024-05-01', to: '2024-04-01' });
    expect(r.success).toBe(false);
    if (!r.success) expect(toFieldErrors(r.error.issues).to?.[0]?.key).toBe('dateOrder');
    expect(dashboardInput.safeParse({ from: '2024-05-01', to: '2024-04-01' }).success).toBe(false);
  });
  it('needs something to change in a bulk update, and dedupes ids', () => {
    expect(leadBulkInput.safeParse({ ids: [1] }).success).toBe(false);
    expect(leadBulkInput.parse({ ids: [1, 1, 2], status: 'closed' }).ids).toEqual([1, 2]);
    expect(leadBulkInput.safeParse({ ids: [], status: 'closed' }).success).toBe(false);
    expect(
      leadBulkInput.safeParse({ ids: Array.from({ length: 501 }, (_, i) => i + 1), status: 'new' })
        .success,
    ).toBe(false);
  });
  it('takes either ticked ids or a filter to match for a bulk change, never both', () => {
    expect(leadBulkInput.safeParse({ matching: {}, status: 'new' }).success).toBe(true);
    expect(leadBulkInput.safeParse({ status: 'new' }).success).toBe(false);
    expect(leadBulkInput.safeParse({ ids: [1], matching: {}, status: 'new' }).success).toBe(false);
    expect(
      leadBulkInput.parse({ matching: { status: 'new' }, assigneeUserId: null }).matching?.status,
    ).toEqual(['new']);
  });
  it('takes each lead once, at most the bulk limit, to undo a bulk change', () => {
    const item = { id: 1, status: 'new' as const };
    expect(leadBulkRestoreInput.safeParse({ items: [item] }).success).toBe(true);
    expect(leadBulkRestoreInput.safeParse({ items: [item, item] }).success).toBe(false);
    expect(leadBulkRestoreInput.safeParse({ items: [] }).success).toBe(false);
    const many = Array.from({ length: 501 }, (_, i) => ({ id: i + 1, assigneeUserId: null }));
    expect(leadBulkRestoreInput.safeParse({ items: many }).success).toBe(false);
  });
  it('allows only known export columns, once each, and a listed purpose', () => {
    const ok = { filter: {}, columns: ['name', 'email'], purpose: 'follow_up' };
    expect(leadExportInput.safeParse(ok).success).toBe(true);
    expect(leadExportInput.safeParse({ ...ok, columns: ['name', 'passwordHash'] }).success).toBe(
      false,
    );
    expect(leadExportInput.safeParse({ ...ok, columns: ['name', 'name'] }).success).toBe(false);
    expect(leadExportInput.safeParse({ ...ok, columns: [] }).success).toBe(false);
    expect(leadExportInput.safeParse({ ...ok, purpose: 'because' }).success).toBe(false);
  });
});

describe('grid state in the URL', () => {
  it('round-trips every filter, the sort and the columns', () => {
    const state = {
      filter: {
        search: 'Ørnes 912',
        projectId: 3,
        subsidiaryId: 2,
        status: ['contacted' as const, 'follow_up' as const],
        consents: { marketing_email: true, marketing_sms: false },
        from: '2024-01-01',
        to: '2024-03-31',
        assigneeUserId: 'unassigned' as const,
        restricted: false,
        legalHold: true,
        anonymised: false,
        sort: 'name' as const,
        dir: 'asc' as const,
      },
      columns: ['name', 'status', 'email'] as const,
    };
    const query = toQueryString(leadGridToSearchParams({ ...state, columns: [...state.columns] }));
    const back = leadGridFromSearchParams(parseQueryString(`?${query}`));
    expect(back).toEqual({ filter: state.filter, columns: [...state.columns] });
  });

  it('round-trips the project and assignee sorts in both directions', () => {
    for (const sort of ['project', 'assignee'] as const)
      for (const dir of ['asc', 'desc'] as const) {
        const params = leadGridToSearchParams({ filter: { sort, dir } });
        // desc is the default direction, left out of the link.
        expect(params).toEqual(dir === 'asc' ? { sort, dir } : { sort });
        const back = leadGridFromSearchParams(parseQueryString(toQueryString(params)));
        expect(back.filter.sort).toBe(sort);
        expect(back.filter.dir ?? 'desc').toBe(dir);
        expect(back.dropped).toBeUndefined();
      }
  });

  it('reads one status from old links and saved views, several from new ones', () => {
    expect(leadGridFromSearchParams(parseQueryString('status=new')).filter.status).toEqual(['new']);
    // Funnel order, no repeats, whatever order the link had.
    const several = leadGridFromSearchParams(parseQueryString('status=sold,new,sold'));
    expect(several.filter.status).toEqual(['new', 'sold']);
    expect(leadGridToSearchParams({ filter: several.filter })).toEqual({ status: 'new,sold' });
    expect(leadFilterSchema.parse({ status: 'closed' }).status).toEqual(['closed']);
    expect(leadFilterSchema.safeParse({ status: [] }).success).toBe(false);
    expect(leadFilterSchema.safeParse({ status: ['new', 'lost'] }).success).toBe(false);
    expect(leadGridFromSearchParams(parseQueryString('status=new,lost')).dropped).toEqual([
      { field: 'status', key: 'invalid' },
    ]);
  });

  it('"Mine leads" is my open leads, and is recognised only when nothing else narrows', () => {
    const mine = mineLeadFilter(7, { sort: 'name', dir: 'asc' });
    expect(mine).toEqual({
      sort: 'name',
      dir: 'asc',
      assigneeUserId: 7,
      status: ['new', 'contacted', 'follow_up'],
    });
    expect(OPEN_LEAD_STATUSES).not.toContain('sold');
    expect(OPEN_LEAD_STATUSES).not.toContain('closed');
    const back = leadGridFromSearchParams(
      parseQueryString(toQueryString(leadGridToSearchParams({ filter: mine }))),
    );
    expect(isMineLeadFilter(back.filter, 7)).toBe(true);
    expect(isMineLeadFilter(back.filter, 8)).toBe(false);
    expect(isMineLeadFilter({ ...back.filter, projectId: 1 }, 7)).toBe(false);
    expect(isMineLeadFilter({ ...back.filter, status: ['new'] }, 7)).toBe(false);
    expect(isMineLeadFilter({ assigneeUserId: 7 }, 7)).toBe(false);
  });

  it('sorts text A→Z and dates newest first on the first click; e-mail ignores case', () => {
    expect(LEAD_SORT_FIRST_DIR).toEqual({
      name: 'asc',
      email: 'asc',
      status: 'asc',
      createdAt: 'desc',
      lastActivityAt: 'desc',
      project: 'asc',
      assignee: 'asc',
    });
    expect(emailSortKey('Ola@Example.NO')).toBe('ola@example.no');
    expect(emailSortKey(null)).toBe('');
    const cursor = { sort: 'email', dir: 'asc', value: 'a@b.no', id: 3 } as const;
    expect(decodeLeadCursor(encodeLeadCursor(cursor))).toEqual(cursor);
    expect(decodeLeadCursor(encodeLeadCursor({ ...cursor, value: 5 }))).toBeNull();
  });

  it('writes nothing for the defaults and folds the old consent shorthand', () => {
    expect(leadGridToSearchParams({ filter: { sort: 'createdAt', dir: 'desc' } })).toEqual({});
    expect(leadGridToSearchParams({ filter: { consent: 'marketing_sms' } })).toEqual({
      'consent.marketing_sms': 'yes',
    });
  });

  it('drops values that do not parse, one by one', () => {
    const back = leadGridFromSearchParams(
      parseQueryString(
        'status=nope&project=-1&sort=name&from=2024-05-01&to=2024-04-01&cols=email,bogus,email&assignee=7',
      ),
    );
    expect(back.filter).toEqual({
      sort: 'name',
      dir: 'desc',
      from: '2024-05-01',
      assigneeUserId: 7,
    });
    expect(back.columns).toEqual(['email']);
    expect(back.dropped).toEqual([
      { field: 'status', key: 'invalid' },
      { field: 'to', key: 'dateOrder' },
    ]);
  });

  it('says which values of a link it dropped: out-of-range dates, junk text', () => {
    const back = leadGridFromSearchParams(
      parseQueryString(`from=1000-01-01&to=9999-12-31&q=${encodeURIComponent('a\u0000')}`),
    );
    expect(back.filter).toEqual({ sort: 'createdAt', dir: 'desc' });
    expect(back.dropped).toEqual([
      { field: 'search', key: 'invalidCharacters' },
      { field: 'from', key: 'dateOutOfRange' },
      { field: 'to', key: 'dateOutOfRange' },
    ]);
    expect(leadGridFromSearchParams(parseQueryString('from=2024-01-01')).dropped).toBeUndefined();
  });

  it('builds the export link from the same filter', () => {
    const path = leadExportPath(
      { status: 'new', sort: 'createdAt' },
      ['name', 'email'],
      'reporting',
    );
    const q = parseQueryString(path.split('?')[1] ?? '');
    expect(JSON.parse(q.get('filter') ?? '')).toEqual({ status: 'new' });
    expect(q.get('columns')).toBe('name,email');
    expect(q.get('purpose')).toBe('reporting');
  });
});
