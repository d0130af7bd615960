import {
  DEFAULT_LEAD_COLUMNS,
  type LeadColumn,
  type LeadFilter,
  leadColumnsSchema,
  leadFilterSchema,
  type ViewVisibility,
} from '@mg/shared';
import { and, asc, eq, or, type SQL } from 'drizzle-orm';
import type { Conn } from '../client';
import { savedViews, users } from '../schema';

/** Who is asking: saved views are visible by owner, subsidiary or to everyone. */
export interface ViewViewer {
  userId: number;
  /** The viewer's own subsidiary (subsidiary users); null for staff without one. */
  subsidiaryId: number | null;
}

/** Your own views, your subsidiary's shared views, and views shared with everyone. */
function visibleTo(viewer: ViewViewer): SQL | undefined {
  return or(
    eq(savedViews.ownerUserId, viewer.userId),
    eq(savedViews.visibility, 'everyone'),
    viewer.subsidiaryId === null
      ? undefined
      : and(
          eq(savedViews.visibility, 'subsidiary'),
          eq(savedViews.subsidiaryId, viewer.subsidiaryId),
        ),
  );
}

/**
 * The stored JSON read back through today's schema. A view saved under an older schema keeps
 * what still parses; what does not is reset to the default, never passed on unchecked.
 */
function readState(json: string): { filter: LeadFilter; columns: LeadColumn[] } {
  let raw: { filter?: unknown; columns?: unknown } = {};
  try {
    raw = JSON.parse(json) as typeof raw;
  } catch {
    // fall through to the defaults
  }
  const filter = leadFilterSchema.safeParse(raw.filter ?? {});
  const columns = leadColumnsSchema.safeParse(raw.columns);
  return {
    filter: filter.success ? filter.data : leadFilterSchema.parse({}),
    columns: columns.success ? columns.data : [...DEFAULT_LEAD_COLUMNS],
  };
}

const viewColumns = {
  id: savedViews.id,
  name: savedViews.name,
  visibility: savedViews.visibility,
  ownerUserId: savedViews.ownerUserId,
  ownerName: users.name,
  subsidiaryId: savedViews.subsidiaryId,
  state: savedViews.filter,
  createdAt: savedViews.createdAt,
};

export function listViews(conn: Conn, viewer: ViewViewer) {
  return conn
    .select(viewColumns)
    .from(savedViews)
    .innerJoin(users, eq(users.id, savedViews.ownerUserId))
    .where(visibleTo(viewer))
    .orderBy(asc(savedViews.name), asc(savedViews.id))
    .all()
    .map(({ state, ...view }) => ({ ...view, ...readState(state) }));
}

/** Any view by id, visible or not: the caller decides (admins may remove any). */
export function getView(conn: Conn, id: number) {
  const row = conn
    .select(viewColumns)
    .from(savedViews)
    .innerJoin(users, eq(users.id, savedViews.ownerUserId))
    .where(eq(savedViews.id, id))
    .get();
  if (!row) return undefined;
  const { state, ...view } = row;
  return { ...view, ...readState(state) };
}

export function isViewVisible(
  view: { ownerUserId: number; visibility: ViewVisibility; subsidiaryId: number | null },
  viewer: ViewViewer,
): boolean {
  return (
    view.ownerUserId === viewer.userId ||
    view.visibility === 'everyone' ||
    (view.visibility === 'subsidiary' &&
      viewer.subsidiaryId !== null &&
      view.subsidiaryId === viewer.subsidiaryId)
  );
}

export interface ViewFields {
  name: string;
  visibility: ViewVisibility;
  /** The subsidiary a 'subsidiary' view is shared with; null otherwise. */
  subsidiaryId: number | null;
  filter: LeadFilter;
  columns: LeadColumn[];
}

export function insertView(conn: Conn, ownerUserId: number, v: ViewFields, now = Date.now()) {
  return conn
    .insert(savedViews)
    .values({
      name: v.name,
      ownerUserId,
      visibility: v.visibility,
      subsidiaryId: v.subsidiaryId,
      filter: JSON.stringify({ filter: v.filter, columns: v.columns }),
      createdAt: now,
    })
    .returning({ id: savedViews.id })
    .get();
}

export function updateView(conn: Conn, id: number, v: ViewFields) {
  conn
    .update(savedViews)
    .set({
      name: v.name,
      visibility: v.visibility,
      subsidiaryId: v.subsidiaryId,
      filter: JSON.stringify({ filter: v.filter, columns: v.columns }),
    })
    .where(eq(savedViews.id, id))
    .run();
}

export function deleteView(conn: Conn, id: number) {
  conn.delete(savedViews).where(eq(savedViews.id, id)).run();
}
