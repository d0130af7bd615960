import { schema } from '@mg/db';
import { count, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DSR_LINK_TTL_MS } from '../src/lib/dsr-verification';
import { callerFor, publicApp } from './public-helpers';

/** The public request page /personvern/foresporsel and its confirmation link. */

type P = ReturnType<typeof publicApp>;
const PATH = '/personvern/foresporsel';
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

function post(t: P, fields: Record<string, string>, headers: Record<string, string> = SAME_ORIGIN) {
  return t.app.request(PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

const rows = (t: P) => {
  const n = (
    table:
      | typeof schema.dsrRequests
      | typeof schema.dsrTokens
      | typeof schema.outbox
      | typeof schema.dsrEvents
      | typeof schema.accessLog,
  ) => t.handle.db.select({ n: count() }).from(table).get()?.n ?? 0;
  return {
    requests: n(schema.dsrRequests),
    tokens: n(schema.dsrTokens),
    outbox: n(schema.outbox),
    events: n(schema.dsrEvents),
    log: n(schema.accessLog),
  };
};

/** The token in the newest confirmation mail to this address. */
function linkFor(t: P, address: string): string {
  const mails = t.handle.db
    .select()
    .from(schema.outbox)
    .where(eq(schema.outbox.toAddress, address))
    .all()
    .filter((m) => m.kind === 'dsr_confirmation');
  const body = mails.at(-1)?.body ?? '';
  const match =
    /https:\/\/leads\.example\.no(\/personvern\/foresporsel\/bekreft\/[a-z2-7]{32})/.exec(body);
  if (!match?.[1]) throw new Error(`no link in mail to ${address}`);
  return match[1];
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the form', () => {
  it('is a plain page in Norwegian, and in English with ?lang=en', async () => {
    const t = publicApp();
    const nb = await t.app.request(PATH);
    expect(nb.status).toBe(200);
    const html = await nb.text();
    expect(html).toContain('lang="nb"');
    expect(html).toContain('Be om innsyn');
    expect(html).not.toContain('<script');
    expect(html).toContain(`action="${PATH}"`);
    const en = await (await t.app.request(`${PATH}?lang=en`)).text();
    expect(en).toContain('lang="en"');
    expect(en).toContain('Ask for access');
  });
});

describe('posting a request', () => {
  it('registers it (channel web), mails a link to the address given, and logs a public entry', async () => {
    const t = publicApp();
    const res = await post(t, {
      type: 'access',
      email: ' Ase@Example.NO ',
      message: 'Hva har dere?',
      lang: 'nb',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${PATH}/takk`);
    const [request] = t.handle.db.select().from(schema.dsrRequests).all();
    expect(request).toMatchObject({
      type: 'access',
      channel: 'web',
      subjectEmail: 'ase@example.no',
      status: 'received',
      message: 'Hva har dere?',
      createdByUserId: null,
    });
    const [mail] = t.handle.db.select().from(schema.outbox).all();
    expect(mail).toMatchObject({ kind: 'dsr_confirmation', toAddress: 'ase@example.no' });
    expect(mail?.body).toContain('https://leads.example.no/personvern/foresporsel/bekreft/');
    const entry = t.handle.db
      .select()
      .from(schema.accessLog)
      .where(eq(schema.accessLog.action, 'dsr.publicRequest'))
      .get();
    expect(entry).toMatchObject({
      purpose: `dsr:${request?.id}`,
      actorUserId: null,
      ip: null,
      userAgent: null,
    });
    expect(t.kicks.n).toBe(1);
  });

  it('answers the same for an address with leads and one without, doing the same work', async () => {
    const t = publicApp();
    const answer = async (email: string) => {
      const before = rows(t);
      const res = await post(t, { type: 'erasure', email, lang: 'en' });
      const after = rows(t);
      const delta = Object.fromEntries(
        Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
      );
      return {
        status: res.status,
        location: res.headers.get('location'),
        body: await res.text(),
        delta,
      };
    };
    const known = await answer('ase@example.no'); // leads at both subsidiaries
    const unknown = await answer('nobody-here@example.no');
    expect(unknown).toEqual(known);
    expect(known.delta).toEqual({ requests: 1, tokens: 1, outbox: 1, events: 2, log: 1 });
    const thanksKnown = await (await t.app.request(known.location ?? '')).text();
    expect(thanksKnown).toContain('Check your e-mail');
  });

  it('takes the same time class for a known and an unknown address (averages)', async () => {
    const t = publicApp();
    const time = async (email: string, n: number) => {
      const started = performance.now();
      for (let i = 0; i < n; i++) await post(t, { type: 'access', email });
      return (performance.now() - started) / n;
    };
    await time('warm-up@example.no', 5);
    const known = await time('ase@example.no', 30);
    const unknown = await time('ukjent@example.no', 30);
    // Same class: neither is more than three times the other (no lookup, no extra mail).
    expect(known / unknown).toBeLessThan(3);
    expect(unknown / known).toBeLessThan(3);
  });

  it('answers bad input with the form and its errors, storing nothing', async () => {
    const t = publicApp();
    const before = rows(t);
    const res = await post(t, { type: 'nonsense', email: 'not-an-address', lang: 'nb' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Velg hva forespørselen gjelder.');
    expect(html).toContain('Skriv inn en gyldig e-postadresse');
    expect(html).toContain('value="not-an-address"');
    expect(rows(t)).toEqual(before);
  });

  it('stores nothing for a filled honeypot, with the same answer', async () => {
    const t = publicApp();
    const before = rows(t);
    const res = await post(t, { type: 'access', email: 'bot@example.no', website: 'http://spam' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${PATH}/takk`);
    expect(rows(t)).toEqual(before);
  });

  it('refuses a post from another site', async () => {
    const t = publicApp();
    const before = rows(t);
    const res = await post(
      t,
      { type: 'access', email: 'ase@example.no' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    );
    expect(res.status).toBe(403);
    expect(rows(t)).toEqual(before);
  });

  it('is rate-limited per IP like intake', async () => {
    const t = publicApp({ INTAKE_RATE_LIMIT: '2' });
    expect((await post(t, { type: 'access', email: 'a1@example.no' })).status).toBe(303);
    expect((await post(t, { type: 'access', email: 'a2@example.no' })).status).toBe(303);
    const third = await post(t, { type: 'access', email: 'a3@example.no' });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBeTruthy();
    expect(rows(t).requests).toBe(2);
  });
});

describe('the confirmation link', () => {
  it('GET shows one button and changes nothing; POST verifies once', async () => {
    const t = publicApp();
    await post(t, { type: 'access', email: 'ase@example.no' });
    const link = linkFor(t, 'ase@example.no');
    const page = await t.app.request(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(t.handle.db.select().from(schema.dsrRequests).get()?.status).toBe('received');

    const confirm = () => t.app.request(link, { method: 'POST', headers: SAME_ORIGIN });
    const first = await confirm();
    expect(first.status).toBe(200);
    const answer = await first.text();
    expect(answer).toContain('forespørselen er bekreftet');
    // What happens next, announced to screen readers.
    expect(answer).toContain('<p role="status">Vi behandler forespørselen');
    const request = t.handle.db.select().from(schema.dsrRequests).get();
    expect(request).toMatchObject({
      status: 'identity_verified',
      verificationMethod: 'link',
      statusChangedByUserId: null,
    });
    const entry = t.handle.db
      .select()
      .from(schema.accessLog)
      .where(eq(schema.accessLog.action, 'dsr.confirm'))
      .get();
    expect(entry).toMatchObject({ purpose: `dsr:${request?.id}`, outcome: 'ok', ip: null });

    // Once only.
    const second = await confirm();
    expect(second.status).toBe(410);
    expect(await (await t.app.request(link)).text()).toContain('allerede brukt');

    // The privacy officer sees it verified, by the person (no staff name) and with a timeline.
    const got = await callerFor(t, 'privacy_officer').dsr.byId({ id: request?.id ?? 0 });
    expect(got.events.at(-1)).toMatchObject({
      kind: 'status',
      fromStatus: 'received',
      toStatus: 'identity_verified',
      byUserId: null,
    });
  });

  it('expires after 7 days (fixed clock)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.parse('2026-03-15T10:00:00+01:00');
    vi.setSystemTime(start);
    const t = publicApp();
    await post(t, { type: 'erasure', email: 'ase@example.no' });
    const link = linkFor(t, 'ase@example.no');
    vi.setSystemTime(start + DSR_LINK_TTL_MS - 1);
    expect((await t.app.request(link)).status).toBe(200);
    vi.setSystemTime(start + DSR_LINK_TTL_MS);
    expect((await t.app.request(link)).status).toBe(410);
    const late = await t.app.request(link, { method: 'POST', headers: SAME_ORIGIN });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('utløpt');
    expect(t.handle.db.select().from(schema.dsrRequests).get()?.status).toBe('received');
  });

  it('an unknown or malformed token is a 404 page', async () => {
    const t = publicApp();
    expect((await t.app.request(`${PATH}/bekreft/${'a'.repeat(32)}`)).status).toBe(404);
    expect((await t.app.request(`${PATH}/bekreft/..%2f`)).status).toBe(404);
    const res = await t.app.request(`${PATH}/bekreft/${'b'.repeat(32)}`, {
      method: 'POST',
      headers: SAME_ORIGIN,
    });
    expect(res.status).toBe(404);
  });

  it('does nothing once staff have verified or rejected the request another way', async () => {
    const t = publicApp();
    await post(t, { type: 'access', email: 'ase@example.no' });
    const link = linkFor(t, 'ase@example.no');
    const id = t.handle.db.select().from(schema.dsrRequests).get()?.id ?? 0;
    await callerFor(t, 'privacy_officer').dsr.transition({ id, to: 'rejected', note: 'Duplikat' });
    const res = await t.app.request(link, { method: 'POST', headers: SAME_ORIGIN });
    expect(res.status).toBe(410);
    expect(t.handle.db.select().from(schema.dsrRequests).get()?.status).toBe('rejected');
  });
});
