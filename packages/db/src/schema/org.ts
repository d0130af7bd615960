import { PROJECT_STATUSES } from '@mg/shared';
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './auth';
import { nameSortSql } from './name-sort';

export const subsidiaries = sqliteTable('subsidiaries', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  orgNumber: text('org_number').notNull().unique(),
  contactEmail: text('contact_email').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const projects = sqliteTable(
  'projects',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    slug: text('slug').notNull().unique(),
    place: text('place').notNull(),
    status: text('status', { enum: PROJECT_STATUSES }).notNull(),
    /** Where new leads for this project go. History in project_assignments. */
    subsidiaryId: integer('subsidiary_id')
      .notNull()
      .references(() => subsidiaries.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('projects_subsidiary_idx').on(t.subsidiaryId),
    // The grid's project sort walks projects in name order (decision 015).
    index('projects_name_sort_idx').on(sql.raw(nameSortSql('name')), t.id),
  ],
);

export const projectAssignments = sqliteTable(
  'project_assignments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    fromSubsidiaryId: integer('from_subsidiary_id').references(() => subsidiaries.id),
    toSubsidiaryId: integer('to_subsidiary_id')
      .notNull()
      .references(() => subsidiaries.id),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('project_assignments_project_idx').on(t.projectId, t.at)],
);
