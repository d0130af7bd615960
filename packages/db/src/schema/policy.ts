import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const policyVersions = sqliteTable('policy_versions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  label: text('label').notNull().unique(),
  /** ISO date (YYYY-MM-DD) the version takes effect. */
  effectiveDate: text('effective_date').notNull(),
  body: text('body').notNull(),
  publishedAt: integer('published_at').notNull(),
  publishedByUserId: integer('published_by_user_id'),
});
