// biome-ignore-all lint/suspicious/noExplicitAny: tRPC response bodies are read field by field
import { schema } from '@mg/db';
import { createTestDatabase, seedFixture } from '@mg/db/testing';
import { desc, eq } from 'drizzle-orm';
import pino from 'pino';
import { loadEnv } from '../src/env';
import { hashPassword } from '../src/lib/password';
import { createApp } from '../src/server';

export const PASSWORD = 'riktig-passord-123';
let passwordHash: Promise<string> | undefined;

/**
 * The real HTTP app over a fresh fixture whose users all have PASSWORD, with helpers that
 * speak tRPC over HTTP with a cookie, like the browser does.
 */
export async function accountsApp(env: Record<string, string> = {}) {
  passwordHash ??= hashPassword(PASSWORD);
  const handle = createTestDatabase();
  const f = seedFixture(handle, await passwordHash);
  const app = createApp({
    db: handle.db,
    env: loadEnv({
      NODE_ENV: 'test',
      LOGIN_RATE_LIMIT: '10000',
      TRUST_PROXY: 'true',
      PUBLIC_URL: 'https://leads.example.no',
      ...env,
    }),
    log: pino({ level: 'silent' }),
  });

  async function mutate(path: string, input: unknown, cookie = '', ip = '10.0.0.1') {
    const res = await app.request(`/trpc/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'sec-fetch-site': 'same-origin',
        'x-forwarded-for': ip,
        cookie,
      },
      body: JSON.stringify(input ?? null),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as any, res };
  }

  async function query(path: string, input: unknown, cookie = '') {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await app.request(`/trpc/${path}${qs}`, { headers: { cookie } });
    return { status: res.status, body: (await res.json()) as any };
  }

  /** Signs in; the cookie (name=value) the browser would keep, and the login's answer. */
  async function login(email: string, password = PASSWORD) {
    const r = await mutate('auth.login', { email, password });
    const cookie = (r.res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { ...r, cookie };
  }

  /** The newest mail to an address, and the token of the link in it. */
  function lastMailTo(address: string) {
    const row = handle.db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.toAddress, address))
      .orderBy(desc(schema.outbox.id))
      .limit(1)
      .get();
    const token = /#token=([a-z0-9]+)/.exec(row?.body ?? '')?.[1] ?? '';
    return { row, token };
  }

  function userRow(id: number) {
    return handle.db.select().from(schema.users).where(eq(schema.users.id, id)).get();
  }

  return { app, handle, f, mutate, query, login, lastMailTo, userRow };
}

/** A request that needs a signed-in user, answered 401 once the session has ended. */
export async function signedIn(
  t: Awaited<ReturnType<typeof accountsApp>>,
  cookie: string,
): Promise<boolean> {
  const r = await t.query('auth.sessions', undefined, cookie);
  return r.status === 200;
}
