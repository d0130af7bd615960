import {
  type AuditEntry,
  appendAccessLog,
  type Conn,
  type Db,
  recordAnonymousDenial,
  walPacer,
} from '@mg/db';
import type { LeadFilterParams, Role } from '@mg/shared';

/**
 * Who an access-log entry is about. The kind decides what the entry stores, here and nowhere
 * else:
 * - `staff`: a signed-in user (or the account a sign-in names): id, role, IP and user agent.
 * - `public`: anyone without a session (intake, unsubscribe, consent confirmation, the password
 *   links): no IP and no user agent, because an append-only row can never be erased
 *   (DOMAIN: no consumer IP in the access log). Their denials are only counted, per IP and
 *   minute (`logNow`), so nobody can grow the log without signing in.
 * - `operator`: a command at the CLI on the server: no request, no network address.
 */
export type StaffActor = { kind: 'staff'; userId: number; role: Role };
export type LogActor = StaffActor | { kind: 'public' } | { kind: 'operator' };

export const PUBLIC: LogActor = { kind: 'public' };
export const OPERATOR: LogActor = { kind: 'operator' };
export function staff(user: { id: number; role: Role }): StaffActor {
  return { kind: 'staff', userId: user.id, role: user.role };
}

/** The request an entry came from: every HTTP context (tRPC or a plain route) has these. */
export interface RequestInfo {
  requestId: string | null;
  clientRequestId?: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** What a writer says; who and from where is filled in from the actor and the request. */
export type LogEntry = Omit<
  AuditEntry,
  'actorUserId' | 'actorRole' | 'ip' | 'userAgent' | 'requestId' | 'clientRequestId'
>;

/** The one place an entry is assembled. Writers cannot set the actor or address fields. */
export function buildEntry(
  request: RequestInfo | null,
  actor: LogActor,
  entry: LogEntry,
): AuditEntry {
  const isStaff = actor.kind === 'staff';
  return {
    ...entry,
    actorUserId: isStaff ? actor.userId : null,
    actorRole: isStaff ? actor.role : null,
    requestId: request?.requestId ?? null,
    clientRequestId: request?.clientRequestId ?? null,
    ip: isStaff ? (request?.ip ?? null) : null,
    userAgent: isStaff ? (request?.userAgent ?? null) : null,
  };
}

/** Append inside the caller's transaction, so the entry commits with the change it records. */
export function logEntry(
  tx: Conn,
  request: RequestInfo | null,
  actor: LogActor,
  entry: LogEntry,
  now?: number,
): void {
  appendAccessLog(tx, buildEntry(request, actor, entry), now);
}

/**
 * For entries outside a change (denials, failures, logins): a transaction of their own.
 * A denial without a signed-in actor is only counted, per IP and minute (one entry per
 * minute with the count), so nobody can flood the log without signing in.
 */
export function logNow(
  db: Db,
  request: RequestInfo | null,
  actor: LogActor,
  entry: LogEntry,
): void {
  if (actor.kind === 'public' && entry.outcome === 'denied') {
    const reason = entry.detail?.reason;
    db.transaction((tx) =>
      recordAnonymousDenial(tx, {
        ip: request?.ip ?? null,
        action: entry.action,
        reason: typeof reason === 'string' ? reason : 'denied',
        requestId: request?.requestId ?? null,
        userAgent: request?.userAgent ?? null,
      }),
    );
    return;
  }
  db.transaction((tx) => logEntry(tx, request, actor, entry));
}

/**
 * How many target ids one entry of a large selection names by default (see `logNowInParts`):
 * a part of 5,000 held the request thread ~70 ms of CPU at a million leads (the lead export's
 * longest slice, decision 047); 1,000 keep it near 10–20 ms.
 */
export const LOG_IDS_PART = 1000;

/** Target ids as a plain array or a typed one (the audience's ids come from a worker as one). */
export type TargetIds = readonly number[] | Float64Array;

/** Ids `from` up to `to` as a plain array (an entry's JSON and target rows are built from one). */
function idsBetween(ids: TargetIds, from: number, to: number): number[] {
  return ids instanceof Float64Array ? Array.from(ids.subarray(from, to)) : ids.slice(from, to);
}

/**
 * An entry naming many leads (an export of 100k), written as parts of `partSize` ids (default
 * `LOG_IDS_PART`), each in its own short transaction with a turn of the event loop between
 * them: each target is an index row written on the request thread (~10–30 µs), so one entry
 * with every id held the loop for ~0.4 s at a million leads (issue 10). Together the parts
 * name the whole selection, in its order, each id once; each says which part of how many it
 * is, and all carry the selection's `count`. Up to one part, the single entry is written at
 * once, exactly as `logNow` does.
 */
export async function logNowInParts(
  db: Db,
  request: RequestInfo | null,
  actor: LogActor,
  entry: Omit<LogEntry, 'targetIds'> & { targetIds: TargetIds },
  partSize = LOG_IDS_PART,
): Promise<void> {
  const ids = entry.targetIds;
  const size = Math.max(1, Math.floor(partSize));
  const parts = Math.ceil(ids.length / size);
  if (parts <= 1)
    return logNow(db, request, actor, { ...entry, targetIds: idsBetween(ids, 0, ids.length) });
  // A part of 1,000 ids writes ~1.4 MB of WAL: without the pacer's waits for a checkpoint an
  // audience export at a million leads grew it to ~400 MB (decision 047).
  const pause = walPacer(db);
  for (let part = 0; part < parts; part++) {
    if (part > 0) await pause();
    logNow(db, request, actor, {
      ...entry,
      targetIds: idsBetween(ids, part * size, (part + 1) * size),
      detail: { ...entry.detail, part: part + 1, parts },
    });
  }
}

/** Which filters a lead list or export used: the keys only, never the words searched for. */
export function filterKeys(filter: LeadFilterParams): string[] {
  return Object.entries(filter)
    .filter(
      ([key, value]) => value !== undefined && key !== 'search' && key !== 'sort' && key !== 'dir',
    )
    .map(([key]) => key);
}
