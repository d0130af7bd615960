import type { ProjectInput, ProjectStatus, Scope, SubsidiaryInput } from '@mg/shared';
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { type Conn, preparedPerConnection } from '../client';
import { leads, projectAssignments, projects, subsidiaries, users } from '../schema';
import { leadScope } from './leads';

/** A subsidiary user sees only their own subsidiary. */
function subsidiaryScope(scope: Scope) {
  return scope.kind === 'all' ? undefined : eq(subsidiaries.id, scope.subsidiaryId);
}
function projectScope(scope: Scope) {
  return scope.kind === 'all' ? undefined : eq(projects.subsidiaryId, scope.subsidiaryId);
}

const subsidiaryColumns = {
  id: subsidiaries.id,
  name: subsidiaries.name,
  orgNumber: subsidiaries.orgNumber,
  contactEmail: subsidiaries.contactEmail,
  active: subsidiaries.active,
  createdAt: subsidiaries.createdAt,
};

export function listSubsidiaries(conn: Conn, { scope }: { scope: Scope }) {
  return conn
    .select({
      ...subsidiaryColumns,
      // Qualified by hand: drizzle renders bare column names inside sql``, which would
      // resolve to the subquery's own table.
      projectCount: sql<number>`(select count(*) from ${projects} where ${projects}.subsidiary_id = ${subsidiaries}.id)`,
    })
    .from(subsidiaries)
    .where(subsidiaryScope(scope))
    .orderBy(asc(subsidiaries.name))
    .all();
}

export function getSubsidiary(conn: Conn, { scope, id }: { scope: Scope; id: number }) {
  return conn
    .select(subsidiaryColumns)
    .from(subsidiaries)
    .where(and(eq(subsidiaries.id, id), subsidiaryScope(scope)))
    .get();
}

export function findSubsidiaryByOrgNumber(conn: Conn, orgNumber: string) {
  return conn
    .select({ id: subsidiaries.id })
    .from(subsidiaries)
    .where(eq(subsidiaries.orgNumber, orgNumber))
    .get();
}

export function insertSubsidiary(conn: Conn, input: SubsidiaryInput, now = Date.now()) {
  return conn
    .insert(subsidiaries)
    .values({ ...input, createdAt: now, updatedAt: now })
    .returning({ id: subsidiaries.id })
    .get();
}

export function updateSubsidiary(conn: Conn, id: number, input: SubsidiaryInput, now = Date.now()) {
  return conn
    .update(subsidiaries)
    .set({ ...input, updatedAt: now })
    .where(eq(subsidiaries.id, id))
    .returning({ id: subsidiaries.id })
    .get();
}

const projectColumns = {
  id: projects.id,
  name: projects.name,
  slug: projects.slug,
  place: projects.place,
  status: projects.status,
  subsidiaryId: projects.subsidiaryId,
  subsidiaryName: subsidiaries.name,
  createdAt: projects.createdAt,
};

export function listProjects(conn: Conn, { scope }: { scope: Scope }) {
  return conn
    .select(projectColumns)
    .from(projects)
    .innerJoin(subsidiaries, eq(subsidiaries.id, projects.subsidiaryId))
    .where(projectScope(scope))
    .orderBy(asc(projects.name))
    .all();
}

/**
 * Leads per project as the viewer may see them: a subsidiary user counts only the leads
 * disclosed to their subsidiary, so a project that came from elsewhere shows their share, not
 * the whole. `subsidiaryId` narrows to one subsidiary's leads (the subsidiary page). The same
 * numbers the grid shows for /leads?project=ID (and &subsidiary=ID).
 */
export function countLeadsPerProject(
  conn: Conn,
  { scope, subsidiaryId }: { scope: Scope; subsidiaryId?: number },
): Map<number, number> {
  const rows = conn
    .select({ projectId: leads.projectId, n: count() })
    .from(leads)
    .where(
      and(
        leadScope(scope),
        subsidiaryId === undefined ? undefined : eq(leads.subsidiaryId, subsidiaryId),
      ),
    )
    .groupBy(leads.projectId)
    .all();
  return new Map(rows.map((r) => [r.projectId, r.n]));
}

/** The project list with each project's lead count within the viewer's scope. */
export function listProjectsWithLeadCounts(conn: Conn, { scope }: { scope: Scope }) {
  const counts = countLeadsPerProject(conn, { scope });
  return listProjects(conn, { scope }).map((p) => ({ ...p, leadCount: counts.get(p.id) ?? 0 }));
}

/**
 * One subsidiary for its page: the projects assigned to it, each with the leads disclosed to
 * this subsidiary, and its lead total — all within the viewer's scope (another subsidiary's
 * user gets nothing: the subsidiary itself is out of their scope).
 */
export function getSubsidiaryOverview(conn: Conn, { scope, id }: { scope: Scope; id: number }) {
  const subsidiary = getSubsidiary(conn, { scope, id });
  if (!subsidiary) return undefined;
  const counts = countLeadsPerProject(conn, { scope, subsidiaryId: id });
  const assigned = conn
    .select({
      id: projects.id,
      name: projects.name,
      slug: projects.slug,
      place: projects.place,
      status: projects.status,
    })
    .from(projects)
    .where(and(eq(projects.subsidiaryId, id), projectScope(scope)))
    .orderBy(asc(projects.name))
    .all()
    .map((p) => ({ ...p, leadCount: counts.get(p.id) ?? 0 }));
  let leadCount = 0;
  for (const n of counts.values()) leadCount += n;
  return { subsidiary, projects: assigned, leadCount };
}

export function getProject(conn: Conn, { scope, id }: { scope: Scope; id: number }) {
  return conn
    .select(projectColumns)
    .from(projects)
    .innerJoin(subsidiaries, eq(subsidiaries.id, projects.subsidiaryId))
    .where(and(eq(projects.id, id), projectScope(scope)))
    .get();
}

/** Public intake looks a project up by slug; no scope, but only the fields intake needs. */
const projectBySlug = preparedPerConnection((conn) =>
  conn
    .select({
      id: projects.id,
      name: projects.name,
      slug: projects.slug,
      place: projects.place,
      status: projects.status,
      subsidiaryId: projects.subsidiaryId,
      subsidiaryActive: subsidiaries.active,
      subsidiaryName: subsidiaries.name,
      contactEmail: subsidiaries.contactEmail,
    })
    .from(projects)
    .innerJoin(subsidiaries, eq(subsidiaries.id, projects.subsidiaryId))
    .where(eq(projects.slug, sql.placeholder('slug')))
    .prepare(),
);

/** Prepared once per connection: every intake and form page asks this. */
export function findProjectBySlug(conn: Conn, slug: string) {
  return projectBySlug(conn).get({ slug });
}

export function findProjectIdBySlug(conn: Conn, slug: string) {
  return conn.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug)).get();
}

export function insertProject(conn: Conn, input: ProjectInput, now = Date.now()) {
  return conn
    .insert(projects)
    .values({ ...input, createdAt: now, updatedAt: now })
    .returning({ id: projects.id })
    .get();
}

export function updateProject(
  conn: Conn,
  id: number,
  input: { name: string; slug: string; place: string; status: ProjectStatus },
  now = Date.now(),
) {
  return conn
    .update(projects)
    .set({ ...input, updatedAt: now })
    .where(eq(projects.id, id))
    .returning({ id: projects.id })
    .get();
}

/** Moves where new leads go and records who moved it; existing leads stay where they are. */
export function assignProject(
  conn: Conn,
  params: {
    projectId: number;
    fromSubsidiaryId: number | null;
    toSubsidiaryId: number;
    actorUserId: number | null;
  },
  now = Date.now(),
) {
  conn
    .update(projects)
    .set({ subsidiaryId: params.toSubsidiaryId, updatedAt: now })
    .where(eq(projects.id, params.projectId))
    .run();
  return conn
    .insert(projectAssignments)
    .values({ ...params, at: now })
    .returning({ id: projectAssignments.id })
    .get();
}

export function listProjectAssignments(conn: Conn, projectId: number) {
  return conn
    .select({
      id: projectAssignments.id,
      fromSubsidiaryId: projectAssignments.fromSubsidiaryId,
      toSubsidiaryId: projectAssignments.toSubsidiaryId,
      fromName: sql<
        string | null
      >`(select name from subsidiaries where id = ${projectAssignments.fromSubsidiaryId})`,
      toName: sql<string>`(select name from subsidiaries where id = ${projectAssignments.toSubsidiaryId})`,
      actorName: users.name,
      at: projectAssignments.at,
    })
    .from(projectAssignments)
    .leftJoin(users, eq(users.id, projectAssignments.actorUserId))
    .where(eq(projectAssignments.projectId, projectId))
    .orderBy(desc(projectAssignments.at), desc(projectAssignments.id))
    .all();
}
