import type { Db } from '@mg/db';
import type { AuditTrail } from './audit-check';
import type { Logger } from './logger';
import type { PendingSession, SessionUser } from './session';
import type { SlowReads } from './slow-reads';

// The request context lives here, below the procedures, so that lib code can take it without
// importing trpc.ts (imports point down: routes -> lib -> db/shared).

export interface CookieJar {
  setSession(token: string): void;
  clearSession(): void;
}

export interface Context {
  db: Db;
  log: Logger;
  /** Made by the server for every request; never the client's. */
  requestId: string;
  /** What the client sent as x-request-id (checked), kept apart in entries' detail. */
  clientRequestId?: string | null;
  ip: string | null;
  userAgent: string | null;
  session: { sessionId: string; user: SessionUser } | null;
  cookies: CookieJar;
  /** Access-log anchors and checks (the API checks in a worker thread). */
  auditTrail: AuditTrail;
  /**
   * The reads that walk much of the leads (audience, dashboard): worker threads in the API
   * (jobs/read-workers.ts); absent, the calling thread (router tests).
   */
  reads?: SlowReads;
  /**
   * A session past the password only (a code to give, or a second factor to enrol): it is
   * not `session`, so every procedure refuses it but the few built for it.
   */
  pending?: PendingSession | null;
  /** Origin for links in mail: PUBLIC_URL, else the listening address (never the Host header). */
  baseUrl?: string;
  /** Sends queued mail soon (after a commit that queued some). */
  kickOutbox?: () => void;
  /** Where .eml copies of mail are (OUTBOX_DIR): anonymisation deletes a person's. */
  outboxDir?: string;
}
