import { AUDIT_OUTCOMES } from '@mg/shared';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The access log. Append-only (triggers refuse UPDATE and DELETE) and hash-chained: each
 * entry's hash covers its fields and the previous entry's hash. Holds ids, never personal
 * data values, so erasure never has to touch it.
 */
export const accessLog = sqliteTable(
  'access_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorUserId: integer('actor_user_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    purpose: text('purpose'),
    targetType: text('target_type'),
    /** JSON array of ids (returned rows for lists and exports). */
    targetIds: text('target_ids'),
    targetCount: integer('target_count'),
    outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
    requestId: text('request_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** JSON with non-personal detail (e.g. filter keys, reason codes). */
    detail: text('detail'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /**
     * The last access_log_targets rowid before this entry's own rows (which follow it
     * directly), hashed with the entry: chain version 2 (decision 035). Null on entries
     * written before it (version 1, checked the old way).
     */
    targetsAfter: integer('targets_after'),
  },
  (t) => [
    index('access_log_actor_idx').on(t.actorUserId, t.id),
    index('access_log_action_idx').on(t.action, t.id),
    index('access_log_at_idx').on(t.at),
  ],
);

/** One row per (entry, target id), so "who looked at lead 42" is an index lookup. */
export const accessLogTargets = sqliteTable(
  'access_log_targets',
  {
    entryId: integer('entry_id')
      .notNull()
      .references(() => accessLog.id),
    targetType: text('target_type').notNull(),
    targetId: integer('target_id').notNull(),
  },
  (t) => [index('access_log_targets_idx').on(t.targetType, t.targetId, t.entryId)],
);

/**
 * Anonymous denials waiting to become one access-log entry per IP and minute. Not the log
 * itself (rows are counted up and removed when flushed), so an anonymous caller can raise a
 * counter but never add entries faster than one per IP per minute.
 */
export const accessLogDenials = sqliteTable(
  'access_log_denials',
  {
    ip: text('ip').notNull(),
    /** Start of the minute, ms since the epoch. */
    minute: integer('minute').notNull(),
    count: integer('count').notNull(),
    /** JSON array of the distinct actions (procedure paths) refused, capped. */
    actions: text('actions').notNull(),
    /** JSON array of the distinct reasons, capped. */
    reasons: text('reasons').notNull(),
    firstRequestId: text('first_request_id'),
    userAgent: text('user_agent'),
  },
  (t) => [
    primaryKey({ columns: [t.ip, t.minute] }),
    index('access_log_denials_minute_idx').on(t.minute),
  ],
);
