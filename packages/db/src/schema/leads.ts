import {
  CONSENT_PURPOSES,
  CONSENT_SOURCES,
  DISCLOSURE_KINDS,
  LEAD_SOURCES,
  LEAD_STATUSES,
} from '@mg/shared';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { projects, subsidiaries } from './org';
import { policyVersions } from './policy';

export const leads = sqliteTable(
  'leads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    /** The subsidiary the lead is disclosed to; the record scope. */
    subsidiaryId: integer('subsidiary_id')
      .notNull()
      .references(() => subsidiaries.id),
    // Personal data: emptied by anonymisation.
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    message: text('message'),
    source: text('source', { enum: LEAD_SOURCES }).notNull(),
    policyVersionId: integer('policy_version_id').references(() => policyVersions.id),
    status: text('status', { enum: LEAD_STATUSES }).notNull().default('new'),
    assigneeUserId: integer('assignee_user_id').references(() => users.id),
    restricted: integer('restricted', { mode: 'boolean' }).notNull().default(false),
    legalHold: integer('legal_hold', { mode: 'boolean' }).notNull().default(false),
    legalHoldReason: text('legal_hold_reason'),
    /**
     * Current consent per purpose, kept in step with consent_events by recordConsent (one
     * place) so list filters stay index-friendly. The events remain the record.
     */
    consentEmail: integer('consent_email', { mode: 'boolean' }).notNull().default(false),
    consentSms: integer('consent_sms', { mode: 'boolean' }).notNull().default(false),
    /** SHA-256 of the unsubscribe token; the token itself is only in the e-mail. */
    unsubscribeTokenHash: text('unsubscribe_token_hash').unique(),
    idempotencyKey: text('idempotency_key').unique(),
    createdAt: integer('created_at').notNull(),
    statusChangedAt: integer('status_changed_at').notNull(),
    /** Last contact the prospect initiated or last status change: the retention clock. */
    lastActivityAt: integer('last_activity_at').notNull(),
    anonymisedAt: integer('anonymised_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('leads_subsidiary_created_idx').on(t.subsidiaryId, t.createdAt, t.id),
    index('leads_created_idx').on(t.createdAt, t.id),
    index('leads_project_created_idx').on(t.projectId, t.createdAt, t.id),
    index('leads_status_idx').on(t.status, t.createdAt),
    index('leads_email_idx').on(t.email),
    index('leads_phone_idx').on(t.phone),
    index('leads_activity_idx').on(t.lastActivityAt),
  ],
);

export const LEAD_ACTIVITY_KINDS = [
  'note',
  'status',
  'assignee',
  'restricted',
  'legal_hold',
] as const;

/** The lead's timeline: notes and changes, with who and when. */
export const leadActivities = sqliteTable(
  'lead_activities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    kind: text('kind', { enum: LEAD_ACTIVITY_KINDS }).notNull(),
    body: text('body'),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('lead_activities_lead_idx').on(t.leadId, t.at)],
);

export const disclosures = sqliteTable(
  'disclosures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    subsidiaryId: integer('subsidiary_id')
      .notNull()
      .references(() => subsidiaries.id),
    kind: text('kind', { enum: DISCLOSURE_KINDS }).notNull(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('disclosures_lead_idx').on(t.leadId)],
);

/** Append-only (triggers refuse UPDATE/DELETE). Current consent = latest event per purpose. */
export const consentEvents = sqliteTable(
  'consent_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    purpose: text('purpose', { enum: CONSENT_PURPOSES }).notNull(),
    granted: integer('granted', { mode: 'boolean' }).notNull(),
    source: text('source', { enum: CONSENT_SOURCES }).notNull(),
    policyVersionId: integer('policy_version_id').references(() => policyVersions.id),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('consent_events_lead_idx').on(t.leadId, t.purpose, t.id)],
);

/** Opt-outs that survive erasure: only SHA-256 of the normalised e-mail is kept. */
export const suppressions = sqliteTable('suppressions', {
  emailHash: text('email_hash').primaryKey(),
  purpose: text('purpose', { enum: CONSENT_PURPOSES }).notNull(),
  at: integer('at').notNull(),
});
