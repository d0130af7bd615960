import { type Database_, schema } from '@mg/db';
import { createTestDatabase, type Fixture, seedFixture } from '@mg/db/testing';
import type { Role } from '@mg/shared';
import { desc } from 'drizzle-orm';
import pino from 'pino';
import type { AnchorConfig } from '../src/lib/audit-anchors';
import { checkAuditLog } from '../src/lib/audit-check';
import { appRouter } from '../src/routers/root';
import { type Context, createCallerFactory } from '../src/trpc';

const createCaller = createCallerFactory(appRouter);
const silent = pino({ level: 'silent' });

export type Who = 'anonymous' | 'admin' | 'privacy_officer' | 'auditor' | 'userA' | 'userB';

/** Anchors for a test database: a fixed key, a file beside the database. */
export function testAnchors(handle: Database_): AnchorConfig {
  return {
    key: Buffer.from('test-anchor-key-'.repeat(4)),
    anchorsFile: `${handle.sqlite.name}.anchors.jsonl`,
  };
}

export function contextFor(
  handle: Database_,
  f: Fixture,
  who: Who,
  overrides: Partial<Context> = {},
): Context {
  const cookies = { set: [] as string[], cleared: 0 };
  const base: Context = {
    db: handle.db,
    log: silent,
    requestId: `test-${who}`,
    ip: '127.0.0.1',
    userAgent: 'vitest',
    session: null,
    cookies: {
      setSession: (token) => cookies.set.push(token),
      clearSession: () => {
        cookies.cleared++;
      },
    },
    // Checked in this thread: a worker per call would only slow the tests down (the worker
    // itself has its own test).
    auditTrail: {
      anchors: () => testAnchors(handle),
      check: async (mode) => checkAuditLog(handle.db, testAnchors(handle), mode),
    },
  };
  if (who !== 'anonymous') {
    const role: Role = who === 'userA' || who === 'userB' ? 'subsidiary_user' : who;
    const subsidiaryId = who === 'userA' ? f.subA : who === 'userB' ? f.subB : null;
    base.session = {
      sessionId: `session-${who}`,
      user: {
        id: f.users[who],
        email: `${who}@test.no`,
        name: who,
        role,
        subsidiaryId,
        active: true,
        subsidiaryName: null,
      },
    };
  }
  return { ...base, ...overrides };
}

/** The newest access-log row, as stored. */
export function lastAccessLogEntry(handle: Database_) {
  const { accessLog } = schema;
  return handle.db.select().from(accessLog).orderBy(desc(accessLog.id)).limit(1).get();
}

/** A fresh database with the two-subsidiary fixture, and callers per role. */
export function setup() {
  const handle = createTestDatabase();
  const f = seedFixture(handle);
  const as = (who: Who) => createCaller(contextFor(handle, f, who));
  const { accessLog } = schema;
  const lastEntry = () => lastAccessLogEntry(handle);
  const entries = () => handle.db.select().from(accessLog).orderBy(accessLog.id).all();
  return { handle, f, as, lastEntry, entries };
}

/** The TRPC error code a call failed with, or 'OK'. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    return (error as { code?: string }).code ?? 'THREW';
  }
}
