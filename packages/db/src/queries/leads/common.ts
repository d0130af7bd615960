import type { Scope } from '@mg/shared';
import { eq, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { leads, projects, subsidiaries, users } from '../../schema';

/** Every lead query goes through this: a subsidiary scope limits rows to that subsidiary. */
export function leadScope(scope: Scope): SQL | undefined {
  return scope.kind === 'all' ? undefined : eq(leads.subsidiaryId, scope.subsidiaryId);
}

/**
 * The same scope for queries that find their rows by id, e-mail or phone: still applied to
 * every row, but written so SQLite never picks the subsidiary's index over the id or contact
 * index (without statistics it would, and walk all of a subsidiary's leads).
 */
export function leadScopeById(scope: Scope): SQL | undefined {
  return scope.kind === 'all' ? undefined : sql`+${leads.subsidiaryId} = ${scope.subsidiaryId}`;
}

export const listColumns = {
  id: leads.id,
  name: leads.name,
  email: leads.email,
  phone: leads.phone,
  status: leads.status,
  projectId: leads.projectId,
  projectName: projects.name,
  subsidiaryId: leads.subsidiaryId,
  subsidiaryName: subsidiaries.name,
  assigneeUserId: leads.assigneeUserId,
  assigneeName: users.name,
  /** False for a deactivated assignee: the lead stays theirs, and the grid says so. */
  assigneeActive: users.active,
  consentEmail: leads.consentEmail,
  consentSms: leads.consentSms,
  restricted: leads.restricted,
  legalHold: leads.legalHold,
  anonymisedAt: leads.anonymisedAt,
  createdAt: leads.createdAt,
  statusChangedAt: leads.statusChangedAt,
  lastActivityAt: leads.lastActivityAt,
};

/** 1 / 0 written out, so the partial indexes on the flags (WHERE restricted = 1) apply. */
export function flag(column: SQLiteColumn, value: boolean): SQL {
  return value ? sql`${column} = 1` : sql`${column} = 0`;
}
