import {
  addDays,
  CONSENT_PURPOSES,
  emailSortKey,
  LEAD_SORTS,
  LEAD_STATUS_RANK,
  LEAD_STATUSES,
  type LeadFilterParams,
  type LeadStatus,
  leadStatusesOf,
  nameSortKey,
  osloDayStart,
  type Scope,
  scopeFor,
  seededRandom,
  weekStart,
} from '@mg/shared';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { faker, makeLead, makeProject, makeSubsidiary, makeUser } from './factories';
import { dashboardSummary } from './queries/dashboard';
import {
  countLeads,
  countLeadsCapped,
  GRID_PLAN_TUNING,
  iterateLeadsForExport,
  LEAD_QUERY_TUNING,
  listLeads,
  listWorkableLeadIds,
} from './queries/leads';
import { leads } from './schema';
import { createTestDatabase, TEST_PASSWORD_HASH } from './testing';

/**
 * The grid's query layer against a plain oracle: every lead read with one unfiltered SELECT,
 * then filtered, searched and sorted in JavaScript by rules written out here independently
 * (sort keys by their JS twins, search by tokenising the text). Many random filter, sort and
 * scope combinations; every page walked by cursor and compared with LIMIT/OFFSET slices of
 * the oracle, so gaps, repeats and tie handling all show.
 */

const handle = createTestDatabase();
const { db, sqlite } = handle;
const LEADS = 2600;
const DAY = 86_400_000;

// Few distinct times (many ties), across both DST switches of 2024.
const BASE = Date.parse('2024-01-10T10:00:00Z');
const TIMES = Array.from({ length: 90 }, (_, i) => BASE + i * 4 * DAY + (i % 3) * 3_600_000);
const NAMES = [
  'Ærlig Østby',
  'Åse Ørnes',
  'Øystein Aas',
  'ola Hansen',
  'Ola Nordmann',
  'Olav Ødegård',
  'Zahl Berg',
  'Bjørn Dæhli',
  'Émile Sæther',
  'Kari Nordmann',
  'Ærlig Østby',
  'Åsmund Brå',
];
// Project and user names with ties in the sort key (case, the same name twice) and æ ø å.
const PROJECT_NAMES = [
  'Åsen Park',
  'ærfugl Brygge',
  'Zeta Tun',
  'Ærfugl brygge',
  'aasen park',
  'Birkelund',
];
const USER_NAMES = [
  'Kari Nordmann',
  'Ole Ås',
  'kari nordmann',
  'Øystein Berg',
  'Anne Lie',
  'Ole Ås',
];
const MESSAGES = [null, 'Ønsker visning', 'Når starter salget?', 'Ring meg på kvelden', null];

interface Row {
  id: number;
  projectId: number;
  subsidiaryId: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  message: string | null;
  status: LeadStatus;
  assigneeUserId: number | null;
  restricted: number;
  legalHold: number;
  consentEmail: number;
  consentSms: number;
  createdAt: number;
  lastActivityAt: number;
  anonymisedAt: number | null;
  projectName: string;
  assigneeName: string | null;
}

let subsidiaries: number[] = [];
const ALL_SCOPE = scopeFor({ role: 'admin', subsidiaryId: null });
const subsidiaryScope = (subsidiaryId: number) =>
  scopeFor({ role: 'subsidiary_user', subsidiaryId });
const projects: { id: number; subsidiaryId: number }[] = [];
const usersBySub = new Map<number, number[]>();
let all: Row[] = [];
let samplePhone = '';

beforeAll(() => {
  faker.seed(42);
  const random = seededRandom(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  db.transaction((tx) => {
    subsidiaries = [1, 2, 3].map((i) => makeSubsidiary(tx, { name: `Sub ${i} AS` }));
    for (const s of subsidiaries) {
      usersBySub.set(
        s,
        [1, 2].map((u) =>
          makeUser(tx, {
            email: `u${u}.s${s}@test.no`,
            name: USER_NAMES[(s - 1) * 2 + u - 1] ?? 'Anne Lie',
            role: 'subsidiary_user',
            subsidiaryId: s,
            passwordHash: TEST_PASSWORD_HASH,
          }),
        ),
      );
      for (let p = 0; p < 2; p++)
        projects.push({
          id: makeProject(tx, s, { name: PROJECT_NAMES[projects.length] ?? 'Birkelund' }),
          subsidiaryId: s,
        });
    }
    // A project without leads and a user nobody's leads go to: walks pass over them.
    makeProject(tx, subsidiaries[0] ?? 0, { name: 'Aa Tom' });
    makeUser(tx, {
      email: 'idle@test.no',
      name: 'Aa Ledig',
      role: 'subsidiary_user',
      subsidiaryId: subsidiaries[1] ?? null,
      passwordHash: TEST_PASSWORD_HASH,
    });
    for (let i = 0; i < LEADS; i++) {
      const project = pick(projects);
      const status = pick(LEAD_STATUSES);
      const id = makeLead(tx, project, {
        name: random() < 0.5 ? pick(NAMES) : undefined,
        message: pick(MESSAGES),
        createdAt: pick(TIMES),
        status,
        consent: { marketing_email: random() < 0.5, marketing_sms: random() < 0.3 },
        assigneeUserId: random() < 0.6 ? pick(usersBySub.get(project.subsidiaryId) ?? []) : null,
      });
      const flags: Partial<typeof leads.$inferInsert> = {};
      // Mixed-case addresses, so the e-mail sort shows it ignores case.
      if (random() < 0.1) flags.email = `Zed.${i}@Example.NO`;
      if (random() < 0.05) flags.restricted = true;
      if (random() < 0.04) flags.legalHold = true;
      // Leads moved to another subsidiary (a transfer after the project was reassigned):
      // the project's and assignee's leads are then in more than one scope.
      if (random() < 0.05) flags.subsidiaryId = pick(subsidiaries);
      if (random() < 0.04) {
        Object.assign(flags, { name: null, email: null, phone: null, message: null });
        flags.anonymisedAt = pick(TIMES) + DAY;
      }
      if (Object.keys(flags).length > 0) tx.update(leads).set(flags).where(eq(leads.id, id)).run();
    }
  });
  all = sqlite
    .prepare(
      `select id, project_id as projectId, subsidiary_id as subsidiaryId, name, email, phone, message,
              status, assignee_user_id as assigneeUserId, restricted, legal_hold as legalHold,
              consent_email as consentEmail, consent_sms as consentSms, created_at as createdAt,
              last_activity_at as lastActivityAt, anonymised_at as anonymisedAt,
              (select name from projects where projects.id = project_id) as projectName,
              (select name from users where users.id = assignee_user_id) as assigneeName
       from leads`,
    )
    .all() as Row[];
  samplePhone = all.find((r) => r.phone)?.phone ?? '';
});

// ------------------------------------------------------------------ the oracle

function tokens(row: Row): string[] {
  if (row.anonymisedAt !== null) return []; // anonymised leads leave the search index
  const text = [row.name, row.email, row.phone, row.phone?.slice(3), row.message]
    .filter((v): v is string => Boolean(v))
    .join(' ')
    .toLowerCase();
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The documented search rules, written out again: prefixes, all words, phone digits. */
function matches(row: Row, search: string): boolean {
  const digits = search.replace(/\D/g, '');
  const words =
    /^[\d\s+()./-]+$/.test(search) && digits.length >= 3
      ? [{ word: digits, prefix: true }]
      : (() => {
          const raw = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
          const long = raw.filter((w) => [...w].length > 1);
          return long.length > 0
            ? long.map((word) => ({ word, prefix: true }))
            : raw.map((word) => ({ word, prefix: false }));
        })();
  if (words.length === 0) return true;
  const own = tokens(row);
  return words.every(({ word, prefix }) =>
    own.some((t) => (prefix ? t.startsWith(word) : t === word)),
  );
}

function oracle(scope: Scope, f: LeadFilterParams): Row[] {
  const consents: Record<string, boolean | undefined> = { ...f.consents };
  if (f.consent) consents[f.consent] = true;
  const rows = all.filter((r) => {
    if (scope.kind === 'subsidiary' && r.subsidiaryId !== scope.subsidiaryId) return false;
    if (f.projectId && r.projectId !== f.projectId) return false;
    if (f.subsidiaryId && r.subsidiaryId !== f.subsidiaryId) return false;
    const statuses = leadStatusesOf(f);
    if (statuses.length > 0 && !statuses.includes(r.status)) return false;
    if (
      consents.marketing_email !== undefined &&
      Boolean(r.consentEmail) !== consents.marketing_email
    )
      return false;
    if (consents.marketing_sms !== undefined && Boolean(r.consentSms) !== consents.marketing_sms)
      return false;
    if (f.from && r.createdAt < osloDayStart(f.from)) return false;
    if (f.to && r.createdAt >= osloDayStart(addDays(f.to, 1))) return false;
    if (f.assigneeUserId === 'unassigned' && r.assigneeUserId !== null) return false;
    if (typeof f.assigneeUserId === 'number' && r.assigneeUserId !== f.assigneeUserId) return false;
    if (f.restricted !== undefined && Boolean(r.restricted) !== f.restricted) return false;
    if (f.legalHold !== undefined && Boolean(r.legalHold) !== f.legalHold) return false;
    if (f.anonymised !== undefined && (r.anonymisedAt !== null) !== f.anonymised) return false;
    if (f.search && !matches(r, f.search)) return false;
    return true;
  });
  const sort = f.sort ?? 'createdAt';
  const sign = (f.dir ?? 'desc') === 'desc' ? -1 : 1;
  if (sort === 'project' || sort === 'assignee') {
    // The group's name key then its id (in the direction asked), no assignee last either
    // way, then received newest first and id, also either way.
    const group = (r: Row) =>
      sort === 'project'
        ? { name: r.projectName, id: r.projectId }
        : r.assigneeUserId === null
          ? null
          : { name: r.assigneeName ?? '', id: r.assigneeUserId };
    return rows.sort((a, b) => {
      const ga = group(a);
      const gb = group(b);
      if (ga === null || gb === null) {
        if (ga !== gb) return ga === null ? 1 : -1;
      } else {
        const byGroup =
          Buffer.compare(Buffer.from(nameSortKey(ga.name)), Buffer.from(nameSortKey(gb.name))) ||
          ga.id - gb.id;
        if (byGroup !== 0) return sign * byGroup;
      }
      return b.createdAt - a.createdAt || b.id - a.id;
    });
  }
  const key = (r: Row): number | string =>
    sort === 'name'
      ? nameSortKey(r.name)
      : sort === 'email'
        ? emailSortKey(r.email)
        : sort === 'status'
          ? LEAD_STATUS_RANK[r.status]
          : sort === 'lastActivityAt'
            ? r.lastActivityAt
            : r.createdAt;
  const compareKeys = (a: number | string, b: number | string) =>
    typeof a === 'string' && typeof b === 'string'
      ? Buffer.compare(Buffer.from(a), Buffer.from(b)) // SQLite compares UTF-8 bytes
      : (a as number) - (b as number);
  return rows.sort((a, b) => sign * (compareKeys(key(a), key(b)) || a.id - b.id));
}

// ------------------------------------------------------------------ random filters

const SEARCHES = [
  'ol',
  'Ø',
  'øs',
  'ærlig',
  'Ærlig Østby',
  'åse ørnes',
  'ÅSE',
  'hansen',
  'nordmann ola',
  'example',
  'visning',
  'ønsker',
  'o',
  'ola h',
  'zzz',
  '+47 9',
  'olav',
  'nordm',
  'example.no',
  'østby ærlig',
  // Long prefixes whose first 3 letters may start only their own tokens (asked as those).
  'nordm',
  'østb',
  'sæthe',
  'ødegå',
];

interface DrawOptions {
  search?: boolean;
  /** Never a search (the plans for column filters alone). */
  noSearch?: boolean;
  /** Draw the sort from these only. */
  sorts?: readonly (typeof LEAD_SORTS)[number][];
}

function randomFilter(
  random: () => number,
  options: DrawOptions = {},
): { scope: Scope; filter: LeadFilterParams } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const maybe = (p = 0.25) => random() < p;
  const f: LeadFilterParams = {};
  if (maybe(0.15)) f.projectId = pick(projects).id;
  if (maybe(0.15)) f.subsidiaryId = pick(subsidiaries);
  const statusDraw = random();
  if (statusDraw < 0.25) f.status = pick(LEAD_STATUSES);
  else if (statusDraw < 0.45)
    f.status = [pick(LEAD_STATUSES), pick(LEAD_STATUSES), pick(LEAD_STATUSES)];
  if (maybe(0.1)) f.consent = pick(CONSENT_PURPOSES);
  if (maybe()) f.consents = { [pick(CONSENT_PURPOSES)]: maybe(0.5) };
  if (maybe()) {
    const a = pick(TIMES);
    const b = pick(TIMES);
    const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
    if (maybe(0.7)) f.from = iso(Math.min(a, b));
    if (maybe(0.7)) f.to = iso(Math.max(a, b));
  }
  if (maybe(0.2)) {
    const users = [...usersBySub.values()].flat();
    f.assigneeUserId = maybe(0.5) ? 'unassigned' : pick(users);
  }
  if (maybe(0.15)) f.restricted = maybe(0.5);
  if (maybe(0.15)) f.legalHold = maybe(0.5);
  if (maybe(0.15)) f.anonymised = maybe(0.5);
  if (!options.noSearch && (options.search || maybe(0.45))) {
    const phone = samplePhone.slice(3);
    f.search = maybe(0.1)
      ? `${phone.slice(0, 3)} ${phone.slice(3, 5)} ${phone.slice(5)}`
      : pick(SEARCHES);
  }
  f.sort = pick(options.sorts ?? LEAD_SORTS);
  f.dir = maybe(0.5) ? 'asc' : 'desc';
  const scope: Scope = maybe(0.5) ? ALL_SCOPE : subsidiaryScope(pick(subsidiaries));
  return { scope, filter: f };
}

function walk(scope: Scope, filter: LeadFilterParams, limit: number) {
  const pages: number[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = listLeads(db, { scope, filter: { ...filter, cursor, limit } });
    pages.push(page.items.map((r) => r.id));
    if (!page.nextCursor) break;
    expect(page.items.length).toBe(limit);
    cursor = page.nextCursor;
  }
  return pages;
}

function compareCombinations(seed: number, count: number, options: DrawOptions = {}) {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const { scope, filter } = randomFilter(random, options);
    const expected = oracle(scope, filter).map((r) => r.id);
    const limit = 1 + Math.floor(random() * 120);
    const pages = walk(scope, filter, limit);
    const label = JSON.stringify({ i, scope, filter, limit });
    expect(pages.flat(), label).toEqual(expected);
    // Each cursor page is exactly the oracle's LIMIT/OFFSET slice.
    pages.forEach((page, n) => {
      expect(page, label).toEqual(expected.slice(n * limit, (n + 1) * limit));
    });
    expect(countLeads(db, { scope, filter }), label).toBe(expected.length);
    const capped = countLeadsCapped(db, { scope, filter, cap: 25 });
    expect(capped, label).toEqual(
      expected.length > 25
        ? { count: 25, capped: true }
        : { count: expected.length, capped: false },
    );
    if (i % 4 === 1) {
      // "Select all N matching": the workable rows in order, one past the cap at most.
      const max = 1 + Math.floor(random() * 60);
      const workable = oracle(scope, filter)
        .filter((r) => !r.restricted && r.anonymisedAt === null)
        .map((r) => r.id);
      expect(listWorkableLeadIds(db, { scope, filter, max }), label).toEqual(
        workable.slice(0, max + 1),
      );
    }
    if (i % 4 === 0) {
      const exported = [...iterateLeadsForExport(db, { scope, filter, chunkSize: 37 })]
        .flat()
        .map((r) => r.id);
      const notRestricted = oracle(scope, filter)
        .filter((r) => !r.restricted)
        .map((r) => r.id);
      expect(exported, label).toEqual(notRestricted);
    }
  }
}

describe('lead grid against the oracle', () => {
  it('has the data the comparisons need: ties, Norwegian names, every flag', () => {
    const times = new Set(all.map((r) => r.createdAt));
    expect(times.size).toBeLessThan(all.length / 10);
    expect(all.filter((r) => r.name === 'Ærlig Østby').length).toBeGreaterThan(10);
    expect(all.some((r) => r.restricted)).toBe(true);
    expect(all.some((r) => r.legalHold)).toBe(true);
    expect(all.some((r) => r.anonymisedAt !== null)).toBe(true);
    // 'example' (every e-mail) takes the dense search path, a full name the sparse one.
    expect(oracle(ALL_SCOPE, { search: 'example' }).length).toBeGreaterThan(2000);
    expect(oracle(ALL_SCOPE, { search: 'Åse Ørnes' }).length).toBeLessThan(2000);
  });

  it('sorts names case-insensitively with æ ø å last, ties by id', () => {
    const ids = walk(ALL_SCOPE, { sort: 'name', dir: 'asc', search: 'ærlig' }, 7).flat();
    expect(ids).toEqual(
      oracle(ALL_SCOPE, { sort: 'name', dir: 'asc', search: 'ærlig' }).map((r) => r.id),
    );
    const names = walk(ALL_SCOPE, { sort: 'name', dir: 'asc' }, 200)
      .flat()
      .map((id) => all.find((r) => r.id === id)?.name)
      .filter((n): n is string => Boolean(n));
    const firstAe = names.indexOf('Ærlig Østby');
    const lastZ = names.lastIndexOf('Zahl Berg');
    const firstAa = names.indexOf('Åse Ørnes');
    expect(lastZ).toBeLessThan(firstAe);
    expect(firstAe).toBeLessThan(firstAa);
  });

  // ~10 s on a quiet machine; several times that on the shared 2-core one.
  it('matches the oracle for 160 random filter, sort and scope combinations', {
    timeout: 240_000,
  }, () => {
    compareCombinations(20240617, 160);
  });

  it('sorts by project and by assignee name, both ways, against the oracle', {
    timeout: 240_000,
  }, () => {
    // Half of them without a search, so the index walk (not the sorted id list) is used.
    compareCombinations(4242, 60, { sorts: ['project', 'assignee'] });
    const random = seededRandom(77);
    for (let i = 0; i < 30; i++) {
      const { scope, filter } = randomFilter(random, { sorts: ['project', 'assignee'] });
      const plain = { ...filter, search: undefined };
      const expected = oracle(scope, plain).map((r) => r.id);
      expect(walk(scope, plain, 1 + (i % 9) * 11).flat(), JSON.stringify(plain)).toEqual(expected);
    }
    // Unassigned leads come last in both directions; A→Z puts Aa before Å.
    for (const dir of ['asc', 'desc'] as const) {
      const ids = walk(ALL_SCOPE, { sort: 'assignee', dir }, 97).flat();
      const firstUnassigned = ids.findIndex(
        (id) => all.find((r) => r.id === id)?.assigneeUserId === null,
      );
      expect(firstUnassigned).toBeGreaterThan(0);
      for (const id of ids.slice(firstUnassigned))
        expect(all.find((r) => r.id === id)?.assigneeUserId).toBeNull();
    }
    const byProject = walk(ALL_SCOPE, { sort: 'project', dir: 'asc' }, 500)
      .flat()
      .map((id) => all.find((r) => r.id === id)?.projectName);
    expect(byProject[0]).toBe('aasen park');
    expect(byProject.at(-1)).toBe('Åsen Park');
  });

  it('matches the oracle under every search plan', { timeout: 240_000 }, () => {
    const defaults = { ...LEAD_QUERY_TUNING };
    const plans: [string, Partial<typeof LEAD_QUERY_TUNING>][] = [
      ['every search by id list', { sparseSearchMax: 1_000_000, densityProbe: 0 }],
      // Within a subsidiary, searches dense over all leads planned dense from two probes.
      ['dense in a subsidiary by probes', { densityProbe: 8, probeDensity: 0.001 }],
      ['chunks by the density, never', { sparseSearchMax: 0, chunkByDensity: false }],
      [
        'every search dense, by id ranges',
        { sparseSearchMax: 0, denseChunkMin: 40, denseScanBudget: 1e9 },
      ],
      ['dense, full match set', { sparseSearchMax: 0, denseSpanFactor: 0 }],
      [
        'dense, ranges then full match set',
        { sparseSearchMax: 0, denseChunkMin: 40, denseScanBudget: 300 },
      ],
      ['dense, defaults', { sparseSearchMax: 0 }],
      // Every long word cut to 3 letters and checked on the row (lead_search_words).
      ['cut words, by id list', { truncateWordsAbove: 0 }],
      [
        'cut words, dense by id ranges',
        { truncateWordsAbove: 0, sparseSearchMax: 0, denseChunkMin: 40, denseScanBudget: 1e9 },
      ],
      [
        'cut words, dense full match set',
        { truncateWordsAbove: 0, sparseSearchMax: 0, denseSpanFactor: 0 },
      ],
      // Every word asked as a prefix, as before migration 0024 (by default a prefix no longer
      // token starts with is asked as its exact term).
      ['prefixes as typed', { wholeWordsAlone: false }],
      // Never a long prefix by its first 3 letters (by default when they start the same tokens).
      ['no same-set 3 letters', { sameSetPrefixes: false }],
      [
        'cut words, prefixes as typed, dense',
        { wholeWordsAlone: false, truncateWordsAbove: 0, sparseSearchMax: 0 },
      ],
      // Every dense search checked row by row in the project and assignee walks.
      [
        'dense, walks check rows',
        { sparseSearchMax: 0, walkCheckDensity: 1e-9, walkCheckSample: 1 },
      ],
      [
        'cut words, dense, walks check rows',
        { truncateWordsAbove: 0, sparseSearchMax: 0, walkCheckDensity: 1e-9, walkCheckSample: 1 },
      ],
    ];
    try {
      plans.forEach(([_label, tuning], n) => {
        Object.assign(LEAD_QUERY_TUNING, defaults, tuning);
        compareCombinations(1000 + n, 40, { search: true });
        compareCombinations(1100 + n, 12, { search: true, sorts: ['project', 'assignee'] });
      });
    } finally {
      Object.assign(LEAD_QUERY_TUNING, defaults);
    }
  });

  it('matches the oracle whether a driven page walks the sort index or sorts the driver rows', {
    timeout: 240_000,
  }, () => {
    // Driven pages (a project, an assignee, a flag, a short range) sorted by another key:
    // the walk against the driver's ids (a bound so small it mostly gives up and falls back,
    // and one that never does) and the sort of the driver's rows, each forced.
    const defaults = { ...GRID_PLAN_TUNING };
    const modes: Partial<typeof GRID_PLAN_TUNING>[] = [
      { driverIdWalk: 'always', walkBoundMin: 1_000_000 },
      { driverIdWalk: 'always', walkBoundMin: 0 },
      { driverIdWalk: 'always', walkBoundMin: 0, walkBoundMax: 30 },
      { driverIdWalk: 'never' },
    ];
    try {
      modes.forEach((mode, n) => {
        Object.assign(GRID_PLAN_TUNING, defaults, mode);
        compareCombinations(3000 + n, 60, {
          noSearch: true,
          sorts: ['name', 'email', 'status', 'lastActivityAt', 'createdAt'],
        });
      });
    } finally {
      Object.assign(GRID_PLAN_TUNING, defaults);
    }
  });

  it('matches the oracle for dense searches sorted by name or e-mail under every bucket plan', {
    timeout: 240_000,
  }, () => {
    // search-sorted.ts: the pointed-at buckets walked and merged with the matches elsewhere;
    // the spread plan bucket by bucket, then (or at once) the full match set; the walk's
    // budget running out; the plan switched off. Random page sizes put page edges inside and
    // across buckets; both directions, both scopes, with and without filters.
    const defaults = { ...LEAD_QUERY_TUNING };
    const dense = { sparseSearchMax: 0 };
    const plans: [string, Partial<typeof LEAD_QUERY_TUNING>][] = [
      ['pointed buckets', { ...dense }],
      ['pointed buckets, tiny walk chunks of budget', { ...dense, sortedCheckBudget: 70 }],
      ['spread, every bucket', { ...dense, outsideBucketsMax: -1, spreadBuckets: 1e9 }],
      [
        'spread, one bucket then the full set',
        { ...dense, outsideBucketsMax: -1, spreadBuckets: 1 },
      ],
      ['spread, no bucket', { ...dense, outsideBucketsMax: -1, spreadBuckets: 0 }],
      ['walk budget spent at once', { ...dense, sortedCheckBudget: 1 }],
      [
        'walk budget spent at once, no bucket from FTS',
        { ...dense, sortedCheckBudget: 1, bucketHitsMax: 0 },
      ],
      [
        'walk budget spent, FTS bucket too large',
        { ...dense, sortedCheckBudget: 70, bucketHitsMax: 3 },
      ],
      ['switched off', { ...dense, sortedCheckBudget: 0 }],
      ['cut words, pointed buckets', { ...dense, truncateWordsAbove: 0 }],
      // Buckets guessed from where the first matches sort: none, from one match, up to one.
      ['no sampled buckets', { ...dense, bucketSample: 0 }],
      ['buckets sampled from one match', { ...dense, bucketSample: 1 }],
      [
        'one sampled bucket, tiny walk budget',
        { ...dense, sampledBucketsMax: 1, sortedCheckBudget: 70 },
      ],
      ['prefixes as typed, pointed buckets', { ...dense, wholeWordsAlone: false }],
      [
        'cut words, spread',
        { ...dense, truncateWordsAbove: 0, outsideBucketsMax: -1, spreadBuckets: 1e9 },
      ],
    ];
    try {
      plans.forEach(([_label, tuning], n) => {
        Object.assign(LEAD_QUERY_TUNING, defaults, tuning);
        compareCombinations(4000 + n, 8, { search: true, sorts: ['name', 'email'] });
        // The first pages of searches whose matches lie in one bucket ('ærlig', 'ola'), in
        // and around it ('ol', 'zed'), or everywhere ('example', 'nordmann'); 'ø' is a
        // one-byte key; the last three lie in one bucket their words do not name.
        for (const dir of ['asc', 'desc'] as const)
          for (const sort of ['name', 'email'] as const)
            for (const search of [
              'ol',
              'ola',
              'ærlig',
              'nordmann',
              'example',
              'zed',
              'ø',
              // Matches that sort where no typed word points (the sampled buckets): every
              // Dæhli is a Bjørn, every Sæther an Émile, every Hansen an Ola.
              'dæhli',
              'sæther',
              'hansen',
            ])
              for (const scope of [ALL_SCOPE, subsidiaryScope(subsidiaries[1] ?? 0)]) {
                const filter = { search, sort, dir } as const;
                const label = JSON.stringify({ plan: _label, scope, filter });
                const expected = oracle(scope, filter).map((r) => r.id);
                const limit = 5 + n * 3;
                let cursor: string | undefined;
                for (let page = 0; page < 3; page++) {
                  const got = listLeads(db, { scope, filter: { ...filter, cursor, limit } });
                  expect(
                    got.items.map((r) => r.id),
                    label,
                  ).toEqual(expected.slice(page * limit, (page + 1) * limit));
                  if (!got.nextCursor) break;
                  cursor = got.nextCursor;
                }
              }
      });
    } finally {
      Object.assign(LEAD_QUERY_TUNING, defaults);
    }
  });

  it('never returns another subsidiary’s lead, whatever the filter asks for', () => {
    const random = seededRandom(99);
    for (let i = 0; i < 40; i++) {
      const { filter } = randomFilter(random);
      const mine = subsidiaries[i % subsidiaries.length] ?? 0;
      const scope = subsidiaryScope(mine);
      const ids = walk(scope, { ...filter, subsidiaryId: undefined }, 100).flat();
      for (const id of ids) expect(all.find((r) => r.id === id)?.subsidiaryId).toBe(mine);
    }
  });
});

describe('dashboard numbers against the oracle', () => {
  // Four months drawn by week; eleven months drawn by calendar month, both ends inside a month.
  for (const [from, to, interval] of [
    ['2024-03-01', '2024-06-30', 'week'],
    ['2024-02-14', '2024-12-20', 'month'],
  ] as const)
    it(`counts per ${interval}, status, consent and unhandled within scope (${from}..${to})`, () => {
      const now = Date.parse('2024-07-01T12:00:00Z');
      for (const scope of [ALL_SCOPE, ...subsidiaries.map(subsidiaryScope)]) {
        const s = dashboardSummary(db, { scope, from, to, staleDays: 3, now });
        expect(s.interval).toBe(interval);
        const inRange = oracle(scope, { from, to });
        expect(inRange.length).toBeGreaterThan(0);
        expect(s.total).toBe(inRange.length);
        expect(s.leadsPerPeriod.total.reduce((a, b) => a + b, 0)).toBe(inRange.length);
        for (const p of s.leadsPerPeriod.byProject) {
          expect(p.total).toBe(inRange.filter((r) => r.projectId === p.projectId).length);
          // Per period only in a subsidiary's scope (the web charts projects only there).
          if (scope.kind === 'all') expect(p.counts).toBeNull();
          else expect(p.counts?.reduce((a, b) => a + b, 0)).toBe(p.total);
        }
        for (const row of s.leadsPerPeriod.bySubsidiary) {
          expect(row.total).toBe(inRange.filter((r) => r.subsidiaryId === row.subsidiaryId).length);
          if (scope.kind === 'subsidiary') expect(row.subsidiaryId).toBe(scope.subsidiaryId);
        }
        for (const { status, count } of s.statusFunnel)
          expect(count).toBe(inRange.filter((r) => r.status === status).length);
        expect(s.consentRate[0]?.granted).toBe(inRange.filter((r) => r.consentEmail).length);
        const unhandled = oracle(scope, {}).filter(
          (r) =>
            r.status === 'new' &&
            r.assigneeUserId === null &&
            !r.restricted &&
            r.anonymisedAt === null &&
            r.createdAt < now - 3 * DAY,
        );
        expect(s.unhandled.count).toBe(unhandled.length);
        // Each period's count, bucketed by Oslo Monday or Oslo month, clipped to the range.
        s.periods.forEach((start, w) => {
          const next =
            interval === 'week'
              ? addDays(start, 7)
              : `${start.slice(0, 5)}${String(Number(start.slice(5, 7)) + 1).padStart(2, '0')}-01`;
          if (interval === 'month') expect(start.slice(8)).toBe('01');
          else expect(weekStart(start)).toBe(start);
          const lo = Math.max(osloDayStart(start), osloDayStart(from));
          const hi = Math.min(osloDayStart(next), osloDayStart(addDays(to, 1)));
          const here = inRange.filter((r) => r.createdAt >= lo && r.createdAt < hi);
          expect(s.leadsPerPeriod.total[w], start).toBe(here.length);
          for (const row of s.leadsPerPeriod.bySubsidiary)
            expect(row.counts[w]).toBe(
              here.filter((r) => r.subsidiaryId === row.subsidiaryId).length,
            );
          for (const p of s.leadsPerPeriod.byProject)
            if (p.counts)
              expect(p.counts[w]).toBe(here.filter((r) => r.projectId === p.projectId).length);
        });
        expect(s.periods[0]).toBe(interval === 'week' ? weekStart(from) : '2024-02-01');
        expect(s.periods.at(-1)).toBe(interval === 'week' ? weekStart(to) : '2024-12-01');
      }
    });
});
