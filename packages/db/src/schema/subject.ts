import { SUBJECT_ACTIONS } from '@mg/shared';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { dsrRequests } from './ops';

/**
 * What was done on a data subject request, one row per action (export, rectification,
 * erasure, restriction, objection, consent withdrawal), written in the same transaction as
 * the action and its access-log entry. Holds no personal data values: lead ids, counts, the
 * names of the fields changed, and for an erasure which leads were kept and why.
 */
export const dsrActions = sqliteTable(
  'dsr_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dsrId: integer('dsr_id')
      .notNull()
      .references(() => dsrRequests.id),
    at: integer('at').notNull(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    action: text('action', { enum: SUBJECT_ACTIONS }).notNull(),
    /** JSON array of the lead ids acted on. */
    leadIds: text('lead_ids').notNull(),
    leadCount: integer('lead_count').notNull(),
    /** Rectification: JSON array of field names changed (never the values). */
    fieldsChanged: text('fields_changed'),
    /**
     * Erasure: JSON array of { leadId, reason, holdReason } for the leads kept (legal hold)
     * — the documentation the policy's "weighty reasons" clause asks for.
     */
    kept: text('kept'),
    /** Non-personal detail: purposes withdrawn, objection kind, counts. */
    detail: text('detail'),
  },
  (t) => [index('dsr_actions_dsr_idx').on(t.dsrId, t.id)],
);
