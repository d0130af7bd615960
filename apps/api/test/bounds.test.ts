// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field
import { TRPC_MAX_BATCH_SIZE } from '@mg/shared';
import { describe, expect, it } from 'vitest';
import { outcome } from './helpers';
import { callerFor, cookieFor, postJson, publicApp, validLead } from './public-helpers';

/** A GET of a tRPC query over HTTP, as the web app sends it (batched or not). */
async function query(
  t: ReturnType<typeof publicApp>,
  cookie: string,
  paths: string[],
  inputs: unknown[],
) {
  const batch = paths.length > 1;
  const input = batch
    ? Object.fromEntries(inputs.map((v, i) => [String(i), v]))
    : (inputs[0] ?? undefined);
  const qs = new URLSearchParams();
  if (batch) qs.set('batch', '1');
  if (input !== undefined) qs.set('input', JSON.stringify(input));
  const started = performance.now();
  const res = await t.app.request(`/trpc/${paths.join(',')}?${qs}`, { headers: { cookie } });
  return { res, ms: performance.now() - started, body: (await res.json()) as any };
}

describe('the dashboard range is bounded', () => {
  it.each([
    [{ to: '9999-12-31' }, 'to', 'dateOutOfRange'],
    [{ from: '1000-01-01' }, 'from', 'dateOutOfRange'],
    [{ from: '1800-01-01', to: '2024-01-01' }, 'from', 'dateOutOfRange'],
    [{ from: '2999-01-01' }, 'from', 'dateOutOfRange'],
    [{ from: '1000-01-01', to: '9999-12-31' }, 'from', 'dateOutOfRange'],
    [{ from: '2000-01-01', to: '2100-12-31' }, 'from', 'rangeTooLong'],
    // Only `from`: the end is today, so twenty-odd years back is too long.
    [{ from: '2001-01-01' }, 'from', 'rangeTooLong'],
  ])('%j answers 400 (%s: %s) within 100 ms, over HTTP', async (input, field, key) => {
    const t = publicApp();
    const cookie = cookieFor(t.handle, t.f.users.userA);
    // Warm up the route once, so the measured call is the request, not module loading.
    await query(t, cookie, ['dashboard.summary'], [{}]);
    // The fastest of three: a range that made the server loop (the bug this guards) is slow
    // every time, while one GC pause or a busy 2-core machine only slows a single call.
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { res, ms, body } = await query(t, cookie, ['dashboard.summary'], [input]);
      expect(res.status).toBe(400);
      expect(body.error.data.code).toBe('BAD_REQUEST');
      expect(body.error.data.fieldErrors[field]).toEqual([expect.objectContaining({ key })]);
      times.push(ms);
    }
    expect(Math.min(...times)).toBeLessThan(100);
  });

  it('still answers the longest allowed range, five years of months', async () => {
    const t = publicApp();
    const summary = await callerFor(t, 'admin').dashboard.summary({
      from: '2020-01-01',
      to: '2024-12-31',
    });
    expect(summary.interval).toBe('month');
    expect(summary.periods.length).toBe(60);
    expect(summary.periods[0]).toBe('2020-01-01');
    expect(summary.periods.at(-1)).toBe('2024-12-01');
  });
});

describe('batched tRPC requests are bounded', () => {
  it(`answers a batch of ${TRPC_MAX_BATCH_SIZE} and refuses one more, without running any`, async () => {
    const t = publicApp();
    const cookie = cookieFor(t.handle, t.f.users.admin);
    const logRows = () => t.counts().log;

    const atLimit = Array.from({ length: TRPC_MAX_BATCH_SIZE }, () => 'dashboard.summary');
    const logBefore = logRows();
    const ok = await query(
      t,
      cookie,
      atLimit,
      atLimit.map(() => ({})),
    );
    expect(ok.res.status).toBe(200);
    expect(ok.body).toHaveLength(TRPC_MAX_BATCH_SIZE);
    expect(logRows()).toBe(logBefore + TRPC_MAX_BATCH_SIZE);

    const before = logRows();
    const tooMany = Array.from({ length: TRPC_MAX_BATCH_SIZE + 1 }, () => 'dashboard.summary');
    // Each of these would run (and be logged) with its input, were the batch not refused.
    const inputs = tooMany.map(() => ({}));
    const refused = await query(t, cookie, tooMany, inputs);
    expect(refused.res.status).toBe(400);
    // One error for the request as a whole, not one answer per call.
    expect(Array.isArray(refused.body)).toBe(false);
    expect(refused.body.error.data.code).toBe('BAD_REQUEST');
    // Not one of the calls ran: a dashboard read is logged, so the log would have grown.
    expect(logRows()).toBe(before);
  });

  it('refuses an oversized batch from an anonymous caller too (no log rows appended)', async () => {
    const t = publicApp();
    const before = t.counts().log;
    const res = await t.app.request(
      `/trpc/${Array.from({ length: 100 }, () => 'lead.list').join(',')}?batch=1&input={}`,
    );
    expect(res.status).toBe(400);
    expect(t.counts().log).toBe(before);
  });
});

/**
 * Hygiene per field. Each bad value is refused with a field error naming what is wrong,
 * while the same field with ordinary text passes.
 */
const LONE_HIGH = '\ud800';
const LONE_LOW = 'abc\udc00';
const NUL = 'Kari\u0000';
const ESC = 'Kari\u001b[31m';
const ZERO_WIDTH = '\u200b\u200c\u200d\u2060\ufeff';
const BIDI = '\u202e\u202d\u2066\u2069\u200f';
const HANGUL_FILLER = '\u3164\u3164';

const BAD_VALUES: [string, string, string][] = [
  ['lone high surrogate', LONE_HIGH, 'invalidCharacters'],
  ['lone low surrogate', LONE_LOW, 'invalidCharacters'],
  ['NUL', NUL, 'invalidCharacters'],
  ['escape sequence', ESC, 'invalidCharacters'],
  ['only zero-width characters', ZERO_WIDTH, 'noVisibleText'],
  ['only bidi controls', BIDI, 'noVisibleText'],
  ['only Hangul fillers', HANGUL_FILLER, 'noVisibleText'],
];

describe('intake refuses junk in name and message, storing nothing', () => {
  const cases = ['name', 'message'].flatMap((field) =>
    BAD_VALUES.map(([what, value, key]) => [field, what, value, key] as const),
  );
  it.each(cases)('%s: %s', async (field, _what, value, key) => {
    const t = publicApp();
    const before = t.counts();
    const res = await postJson(t.app, 'alfa-park', validLead({ [field]: value }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.fieldErrors[field]).toEqual([{ key }]);
    expect(t.counts()).toEqual(before);
  });

  it('keeps newlines and tabs in a message, and a name with combining accents', async () => {
    const t = publicApp();
    const res = await postJson(
      t.app,
      'alfa-park',
      validLead({ name: 'Zoe\u0308 Ørnes', message: 'Hei!\r\n\tRing meg.' }),
    );
    expect(res.status).toBe(201);
  });

  it('refuses a control character in a one-line name even where a message would allow it', async () => {
    const t = publicApp();
    const res = await postJson(t.app, 'alfa-park', validLead({ name: 'Kari\nNordmann' }));
    expect(res.status).toBe(400);
  });
});

describe('signed-in free text refuses junk with a field error', () => {
  type Call = (
    api: ReturnType<typeof callerFor>,
    f: ReturnType<typeof publicApp>['f'],
    v: string,
  ) => Promise<unknown>;
  const FIELDS: [string, string, Call][] = [
    ['lead.addNote', 'body', (api, f, v) => api.lead.addNote({ id: f.leadsA[0] ?? 0, body: v })],
    [
      'view.save',
      'name',
      (api, _f, v) => api.view.save({ name: v, visibility: 'personal', filter: {} }),
    ],
    ['lead.list', 'search', (api, _f, v) => api.lead.list({ search: v })],
    ['audit.list', 'action', (api, _f, v) => api.audit.list({ action: v })],
    [
      'subsidiary.create',
      'name',
      (api, _f, v) =>
        api.subsidiary.create({ name: v, orgNumber: '914778271', contactEmail: 'ny@test.no' }),
    ],
    [
      'project.create',
      'place',
      (api, f, v) =>
        api.project.create({
          name: 'Ny',
          slug: 'ny-prosjekt',
          place: v,
          status: 'planning',
          subsidiaryId: f.subA,
        }),
    ],
    [
      'user.invite',
      'name',
      (api, f, v) =>
        api.user.invite({
          name: v,
          email: 'ny.bruker@test.no',
          role: 'subsidiary_user',
          subsidiaryId: f.subA,
        }),
    ],
    ['account.updateName', 'name', (api, _f, v) => api.account.updateName({ name: v })],
    [
      'policy.publish',
      'body',
      (api, _f, v) => api.policy.publish({ label: 'v9', effectiveDate: '2030-01-01', body: v }),
    ],
  ];
  // Search and action filters may be empty, so "nothing visible" is only tested where text is required.
  const cases = FIELDS.flatMap(([path, field, call]) =>
    BAD_VALUES.filter(
      ([, , key]) => key === 'invalidCharacters' || !['search', 'action'].includes(field),
    ).map(([what, value, key]) => [path, field, what, value, key, call] as const),
  );
  it.each(cases)('%s %s: %s', async (_path, field, _what, value, key, call) => {
    const t = publicApp();
    const before = t.counts();
    const api = callerFor(t, 'admin');
    let error: any;
    try {
      await call(api, t.f, value);
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe('BAD_REQUEST');
    const issues = (error.cause?.issues ?? []) as { path: PropertyKey[]; message: string }[];
    expect(issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([field, key]);
    // Only the denied-call log entry may be added; nothing else is stored.
    expect({ ...t.counts(), log: 0 }).toEqual({ ...before, log: 0 });
  });

  it('a note keeps its line breaks', async () => {
    const t = publicApp();
    const api = callerFor(t, 'admin');
    expect(
      await outcome(
        api.lead.addNote({ id: t.f.leadsA[0] ?? 0, body: 'Ringte.\n\tAvtalt visning.' }),
      ),
    ).toBe('OK');
  });
});
