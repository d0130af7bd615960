import { type Database_, insertLead, recordConsent, schema } from '@mg/db';
import { createTestDatabase, type Fixture, seedFixture } from '@mg/db/testing';
import type { ConsentPurpose } from '@mg/shared';
import { count } from 'drizzle-orm';
import pino from 'pino';
import { loadEnv } from '../src/env';
import { createSession, SESSION_COOKIE } from '../src/lib/session';
import { appRouter } from '../src/routers/root';
import { createApp } from '../src/server';
import { createCallerFactory } from '../src/trpc';
import { contextFor, type Who } from './helpers';

/** The website origin the tests configure for CORS and framing. */
export const WEBSITE = 'https://www.mestergruppeneiendom.no';

/**
 * The real Hono app over a fresh fixture database. The rate limit is high unless a test
 * sets it; the outbox worker is a counter, so nothing is mailed in the background.
 */
export function publicApp(env: Record<string, string> = {}) {
  const handle = createTestDatabase();
  const f = seedFixture(handle);
  const kicks = { n: 0 };
  const app = createApp({
    db: handle.db,
    env: loadEnv({
      NODE_ENV: 'test',
      INTAKE_RATE_LIMIT: '1000',
      INTAKE_CORS_ORIGINS: WEBSITE,
      PUBLIC_URL: 'https://leads.example.no',
      ...env,
    }),
    log: pino({ level: 'silent' }),
    outbox: { kick: () => void kicks.n++ },
  });
  return { app, handle, f, kicks, counts: () => counts(handle) };
}

/** Rows in every table an intake writes, to prove that nothing (or exactly one lead) landed. */
export function counts(handle: Database_) {
  const of = (
    table:
      | typeof schema.leads
      | typeof schema.consentEvents
      | typeof schema.disclosures
      | typeof schema.outbox
      | typeof schema.accessLog
      | typeof schema.suppressions,
  ) => handle.db.select({ n: count() }).from(table).get()?.n ?? 0;
  return {
    leads: of(schema.leads),
    consent: of(schema.consentEvents),
    disclosures: of(schema.disclosures),
    outbox: of(schema.outbox),
    log: of(schema.accessLog),
    suppressions: of(schema.suppressions),
  };
}

export const validLead = (over: Record<string, unknown> = {}) => ({
  name: 'Kari Nordmann',
  email: '  Kari.Nordmann@Example.NO ',
  phone: '912 34 567',
  message: 'Hei! Jeg vil gjerne ha prislisten.',
  ...over,
});

type App = ReturnType<typeof publicApp>['app'];

export function postJson(
  app: App,
  slug: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request(`/api/intake/${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function postForm(
  app: App,
  slug: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return app.request(`/api/intake/${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** A session cookie for a fixture user, without going through argon2. */
export function cookieFor(handle: Database_, userId: number) {
  const { token } = handle.db.transaction((tx) =>
    createSession(tx, userId, { ip: '127.0.0.1', userAgent: 'vitest' }),
  );
  return `${SESSION_COOKIE}=${token}`;
}

export type { Fixture };

/** A tRPC caller on a publicApp's database, for mixing HTTP and procedure calls. */
export function callerFor(t: { handle: Database_; f: Fixture }, who: Who) {
  return createCaller(contextFor(t.handle, t.f, who));
}
const createCaller = createCallerFactory(appRouter);

/** A lead as intake stores it, with consent granted for the given purposes. */
export function addLead(
  handle: Database_,
  project: { id: number; subsidiaryId: number },
  p: { name: string; email: string; phone?: string; consent?: ConsentPurpose[] },
) {
  return handle.db.transaction((tx) => {
    const lead = insertLead(tx, {
      projectId: project.id,
      subsidiaryId: project.subsidiaryId,
      name: p.name,
      email: p.email,
      phone: p.phone ?? '+4790000000',
      message: null,
      source: 'demo',
      policyVersionId: null,
      createdAt: Date.now(),
    });
    for (const purpose of p.consent ?? [])
      recordConsent(tx, {
        lead,
        purpose,
        granted: true,
        source: 'form',
        policyVersionId: null,
        actorUserId: null,
        at: Date.now(),
      });
    return lead.id;
  });
}
