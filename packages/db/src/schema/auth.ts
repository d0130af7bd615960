import { ROLES, SESSION_STAGES, USER_TOKEN_KINDS } from '@mg/shared';
import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  blob,
  index,
  integer,
  sqliteTable,
  text,
} from 'drizzle-orm/sqlite-core';
import { nameSortSql } from './name-sort';
import { subsidiaries } from './org';

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** Set for subsidiary users only; their record scope. */
    subsidiaryId: integer('subsidiary_id').references((): AnySQLiteColumn => subsidiaries.id),
    passwordHash: text('password_hash').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: integer('locked_until'),
    /** Null until the person sets a password from their invitation: status "invited". */
    passwordSetAt: integer('password_set_at'),
    lastLoginAt: integer('last_login_at'),
    /** Base32 TOTP secret; kept while enrolment is unconfirmed, in use once totpEnabledAt is set. */
    totpSecret: text('totp_secret'),
    totpEnabledAt: integer('totp_enabled_at'),
    /** The last accepted TOTP time step: a code at or before it is a replay. */
    totpLastStep: integer('totp_last_step'),
    /** Staff notification when a lead is assigned to them (opt-out on /account). */
    notifyOnAssign: integer('notify_on_assign', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // The grid's assignee sort walks users in name order (decision 015).
  (t) => [index('users_name_sort_idx').on(sql.raw(nameSortSql('name')), t.id)],
);

/**
 * Lucia-style sessions: the cookie holds `id.secret`; only SHA-256(secret) is stored, so a
 * copy of the database cannot be used to log in.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    lastActiveAt: integer('last_active_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /**
     * `full`, or a session that has passed the password only: `totp` (must give a code) or
     * `enrol` (its role requires a second factor it has not set up). Only `full` is signed in.
     */
    stage: text('stage', { enum: SESSION_STAGES }).notNull().default('full'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Single-use links (invitation, password reset). The link carries the token; only its
 * SHA-256 is stored, like session secrets.
 */
export const userTokens = sqliteTable(
  'user_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: USER_TOKEN_KINDS }).notNull(),
    tokenHash: blob('token_hash', { mode: 'buffer' }).notNull().unique(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    revokedAt: integer('revoked_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('user_tokens_user_idx').on(t.userId, t.kind)],
);

/** Ten per enrolment, each SHA-256 hashed and usable once. */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: blob('code_hash', { mode: 'buffer' }).notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);
