import {
  addLeadNote,
  findAssignableUser,
  getLead,
  getLeadFlags,
  getLeadHistory,
  type LeadForUpdate,
  leadsForUpdate,
  listObjections,
  listRelatedLeads,
  listSubsidiaryUsers,
  listWorkableLeadIds,
  recordObjection,
  setLeadAssignee,
  setLeadStatus,
  setLegalHold,
  setRestricted,
  withdrawAllMarketing,
} from '@mg/db';
import type { LeadStatus } from '@mg/shared';
import {
  idSchema,
  LEAD_BULK_MAX,
  leadAssigneesInput,
  leadAssignInput,
  leadBulkInput,
  leadBulkRestoreInput,
  leadCountInput,
  leadHoldInput,
  leadListInput,
  leadNoteInput,
  leadObjectionInput,
  leadRestrictInput,
  leadStatusInput,
  leadWorkBlock,
} from '@mg/shared';
import { z } from 'zod';
import { filterKeys } from '../lib/access-log';
import { noticeAssignment } from '../lib/assignment-notice';
import { domainError, notFound } from '../lib/errors';
import { pageReadsOffThread, readsOf, searchPage } from '../lib/slow-reads';
import { can, router } from '../trpc';

/** Filter keys for the log: which filters were used, never the words searched for. */
/** Status, assignee and notes only on a lead that can be worked on (see leadWorkBlock). */
function assertWorkable(lead: Pick<LeadForUpdate, 'restricted' | 'anonymisedAt'>) {
  const block = leadWorkBlock(lead);
  if (block) throw domainError('CONFLICT', block);
}

function invalidAssignee() {
  return domainError('BAD_REQUEST', 'notFound', { assigneeUserId: [{ key: 'invalid' }] });
}

export const leadRouter = router({
  /**
   * A page of the grid with names and contacts: a read of personal data, logged with the ids
   * shown. The total is `lead.count`, asked for alongside: a page never waits for a count.
   */
  list: can('lead:read', { purpose: 'follow_up' })
    .input(leadListInput)
    .query(async ({ ctx, input }) => {
      const { cursor: _c, limit: _l, ...filter } = input;
      // A page that may walk much of the table (a search, a group sort narrowed by status,
      // two or more filters, a date range under another sort: pageReadsOffThread) is read off
      // the request thread (issue 10), and its entry, with the ids shown, is written here once
      // the page is back. Other pages (≤ 15 ms) are read in the entry's own transaction.
      const searched = pageReadsOffThread(input)
        ? await readsOf(ctx).leadPage({ scope: ctx.scope, filter: input })
        : null;
      return ctx.audited((tx, log) => {
        const read = searched ?? searchPage(tx, { scope: ctx.scope, filter: input });
        if ('invalidCursor' in read)
          throw domainError('BAD_REQUEST', 'notFound', { cursor: [{ key: 'invalid' }] });
        const { page } = read;
        log({
          targetType: 'lead',
          targetIds: page.items.map((l) => l.id),
          // A search is logged as "searched", never with the words typed.
          detail: {
            filters: filterKeys(filter),
            searched: Boolean(input.search),
            sort: input.sort,
            dir: input.dir,
            page: input.cursor ? 'next' : 'first',
          },
        });
        return page;
      });
    }),

  /**
   * How many leads in scope the grid's filter matches: exact up to 10 000, then `capped`
   * ("10 000+"). No personal data, but which filters were counted is logged like a page.
   */
  count: can('lead:read', { purpose: 'follow_up' })
    .input(leadCountInput)
    .query(async ({ ctx, input }) => {
      // Counted off the request thread: a filter few leads pass (or a search against a common
      // word) reads most of a million rows before it reaches the cap, 300–850 ms at 1M
      // (issue 10). The entry is written here, on the API's connection, once it is back.
      const total = await readsOf(ctx).leadCount({ scope: ctx.scope, filter: input });
      return ctx.audited((_tx, log) => {
        log({
          detail: {
            filters: filterKeys(input),
            searched: Boolean(input.search),
            aggregate: true,
          },
        });
        return { total: total.count, capped: total.capped };
      });
    }),

  /**
   * The N of "select all N matching": how many leads a bulk change on this filter would
   * touch, counted by the rule the change itself uses (in scope, neither restricted nor
   * anonymised), up to LEAD_BULK_MAX (`capped`: more, so the change would be refused).
   */
  bulkCount: can('lead:update', { purpose: 'follow_up' })
    .input(leadCountInput)
    .query(async ({ ctx, input }) => {
      // Off the request thread, as lead.count.
      const total = await readsOf(ctx).leadCount({
        scope: ctx.scope,
        filter: input,
        workableCap: LEAD_BULK_MAX,
      });
      return ctx.audited((_tx, log) => {
        log({
          detail: {
            filters: filterKeys(input),
            searched: Boolean(input.search),
            aggregate: true,
            workable: true,
          },
        });
        return { total: total.count, capped: total.capped };
      });
    }),

  byId: can('lead:read', { purpose: 'follow_up' })
    .input(z.object({ id: idSchema }))
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const lead = getLead(tx, { scope: ctx.scope, id: input.id });
        if (!lead) throw notFound('lead', input.id);
        const history = getLeadHistory(tx, lead);
        const related = listRelatedLeads(tx, { scope: ctx.scope, lead });
        // The same person's other leads are shown too (project, status, date): their ids are
        // targets of the entry, so "who saw lead N" finds this read as well.
        log({
          targetType: 'lead',
          targetIds: [lead.id, ...related.map((r) => r.id)],
          detail: { leadId: lead.id, related: related.length },
        });
        return { lead, ...history, related };
      }),
    ),

  /** Who a lead can be given to: active users of the lead's own subsidiary. */
  assignees: can('lead:update')
    .input(leadAssigneesInput)
    .query(({ ctx, input }) => {
      const [lead] = leadsForUpdate(ctx.db, { scope: ctx.scope, ids: [input.leadId] });
      if (!lead) throw notFound('lead', input.leadId);
      return listSubsidiaryUsers(ctx.db, lead.subsidiaryId);
    }),

  updateStatus: can('lead:update', { purpose: 'follow_up' })
    .input(leadStatusInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const [lead] = leadsForUpdate(tx, { scope: ctx.scope, ids: [input.id] });
        if (!lead) throw notFound('lead', input.id);
        assertWorkable(lead);
        const changed = setLeadStatus(tx, {
          lead,
          status: input.status,
          actorUserId: ctx.actor.userId,
        });
        log({
          targetType: 'lead',
          targetIds: [lead.id],
          detail: { from: lead.status, to: input.status, changed },
        });
        return { id: lead.id, status: input.status, changed };
      }),
    ),

  assign: can('lead:update', { purpose: 'follow_up' })
    .input(leadAssignInput)
    .mutation(({ ctx, input }) => {
      const result = ctx.audited((tx, log) => {
        const [lead] = leadsForUpdate(tx, { scope: ctx.scope, ids: [input.id] });
        if (!lead) throw notFound('lead', input.id);
        assertWorkable(lead);
        if (
          input.assigneeUserId !== null &&
          !findAssignableUser(tx, {
            userId: input.assigneeUserId,
            subsidiaryId: lead.subsidiaryId,
          })
        )
          throw invalidAssignee();
        const changed = setLeadAssignee(tx, {
          lead,
          assigneeUserId: input.assigneeUserId,
          actorUserId: ctx.actor.userId,
        });
        const notified =
          changed &&
          noticeAssignment(tx, {
            assigneeUserId: input.assigneeUserId,
            actorUserId: ctx.actor.userId,
            leadIds: [lead.id],
            baseUrl: ctx.baseUrl ?? 'http://localhost',
          });
        log({
          targetType: 'lead',
          targetIds: [lead.id],
          detail: { from: lead.assigneeUserId, to: input.assigneeUserId, changed, notified },
        });
        return { id: lead.id, assigneeUserId: input.assigneeUserId, changed, notified };
      });
      if (result.notified) ctx.kickOutbox?.();
      return result;
    }),

  /** A note on the timeline. The log records that a note was added, never its text. */
  addNote: can('lead:update', { purpose: 'follow_up' })
    .input(leadNoteInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const [lead] = leadsForUpdate(tx, { scope: ctx.scope, ids: [input.id] });
        if (!lead) throw notFound('lead', input.id);
        assertWorkable(lead);
        const note = addLeadNote(tx, {
          lead,
          body: input.body,
          actorUserId: ctx.actor.userId,
        });
        log({ targetType: 'lead', targetIds: [lead.id], detail: { activityId: note.id } });
        return { id: note.id };
      }),
    ),

  /**
   * Status and/or assignee for up to 500 leads, all or nothing: one lead out of scope
   * (NOT_FOUND), not workable (CONFLICT) or outside the assignee's subsidiary (BAD_REQUEST)
   * and nothing changes. The leads are the ids ticked, or every workable lead the grid's
   * filter matches in the caller's scope ("select all N matching"), refused when that is
   * more than LEAD_BULK_MAX. Answers each changed lead's previous values, for an undo.
   */
  bulkUpdate: can('lead:update', { purpose: 'follow_up' })
    .input(leadBulkInput)
    .mutation(({ ctx, input }) => {
      let mailed = false;
      const result = ctx.audited((tx, log) => {
        let ids: number[];
        if (input.matching !== undefined) {
          ids = listWorkableLeadIds(tx, {
            scope: ctx.scope,
            filter: input.matching,
            max: LEAD_BULK_MAX,
          });
          if (ids.length > LEAD_BULK_MAX)
            throw domainError('BAD_REQUEST', 'tooManyLeads', {
              ids: [{ key: 'tooLong', params: { max: LEAD_BULK_MAX } }],
            });
          if (ids.length === 0)
            throw domainError('BAD_REQUEST', 'notFound', { ids: [{ key: 'required' }] });
        } else {
          ids = input.ids ?? [];
        }
        const rows = leadsForUpdate(tx, { scope: ctx.scope, ids });
        const found = new Map(rows.map((r) => [r.id, r]));
        const missing = ids.find((id) => !found.has(id));
        if (missing !== undefined) throw notFound('lead', missing);
        for (const lead of rows) assertWorkable(lead);
        const { assigneeUserId, status } = input;
        if (assigneeUserId !== undefined && assigneeUserId !== null) {
          const subsidiaries = new Set(rows.map((r) => r.subsidiaryId));
          const [only] = [...subsidiaries];
          if (
            subsidiaries.size !== 1 ||
            only === undefined ||
            !findAssignableUser(tx, { userId: assigneeUserId, subsidiaryId: only })
          )
            throw invalidAssignee();
        }
        const previous: { id: number; status?: LeadStatus; assigneeUserId?: number | null }[] = [];
        const newlyAssigned: number[] = [];
        const now = Date.now();
        for (const id of ids) {
          const lead = found.get(id);
          if (!lead) continue;
          const before: (typeof previous)[number] = { id };
          if (status !== undefined) {
            const moved = setLeadStatus(tx, { lead, status, actorUserId: ctx.actor.userId }, now);
            if (moved) before.status = lead.status;
          }
          if (assigneeUserId !== undefined) {
            const moved = setLeadAssignee(
              tx,
              { lead, assigneeUserId, actorUserId: ctx.actor.userId },
              now,
            );
            if (moved) {
              newlyAssigned.push(lead.id);
              before.assigneeUserId = lead.assigneeUserId;
            }
          }
          if (before.status !== undefined || before.assigneeUserId !== undefined)
            previous.push(before);
        }
        // One mail for the batch, not one per lead.
        const notified = noticeAssignment(
          tx,
          {
            assigneeUserId: assigneeUserId ?? null,
            actorUserId: ctx.actor.userId,
            leadIds: newlyAssigned,
            baseUrl: ctx.baseUrl ?? 'http://localhost',
          },
          now,
        );
        log({
          targetType: 'lead',
          targetIds: ids,
          detail: {
            status: status ?? 'unchanged',
            assigneeUserId: assigneeUserId === undefined ? 'unchanged' : assigneeUserId,
            changed: previous.length,
            matching: input.matching !== undefined,
          },
        });
        if (notified) mailed = true;
        return { updated: previous.length, ids, previous };
      });
      if (mailed) ctx.kickOutbox?.();
      return result;
    }),

  /**
   * Undo of a bulk change: puts each lead's previous status and/or assignee back, all or
   * nothing, under the same rules as a change (scope, workable, an active assignee of the
   * lead's own subsidiary). Logged with the ids like any change; no assignment mail, since
   * the lead only goes back to where it was.
   */
  bulkRestore: can('lead:update', { purpose: 'follow_up' })
    .input(leadBulkRestoreInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const ids = input.items.map((item) => item.id);
        const rows = leadsForUpdate(tx, { scope: ctx.scope, ids });
        const found = new Map(rows.map((r) => [r.id, r]));
        const missing = ids.find((id) => !found.has(id));
        if (missing !== undefined) throw notFound('lead', missing);
        for (const lead of rows) assertWorkable(lead);
        const now = Date.now();
        let restored = 0;
        for (const item of input.items) {
          const lead = found.get(item.id);
          if (!lead) continue;
          const to = item.assigneeUserId;
          if (
            to !== undefined &&
            to !== null &&
            !findAssignableUser(tx, { userId: to, subsidiaryId: lead.subsidiaryId })
          )
            throw invalidAssignee();
          let touched = false;
          if (item.status !== undefined)
            touched =
              setLeadStatus(
                tx,
                { lead, status: item.status, actorUserId: ctx.actor.userId },
                now,
              ) || touched;
          if (to !== undefined)
            touched =
              setLeadAssignee(
                tx,
                { lead, assigneeUserId: to, actorUserId: ctx.actor.userId },
                now,
              ) || touched;
          if (touched) restored++;
        }
        log({
          targetType: 'lead',
          targetIds: ids,
          detail: { undo: true, changed: restored },
        });
        return { restored, ids };
      }),
    ),

  // ---------------------------------------------------------------- privacy controls

  /** Hold and restriction state with who and when, and the objections recorded. */
  privacy: can('lead:read', { purpose: 'follow_up' })
    .input(z.object({ id: idSchema }))
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const [lead] = leadsForUpdate(tx, { scope: ctx.scope, ids: [input.id] });
        if (!lead) throw notFound('lead', input.id);
        const flags = getLeadFlags(tx, lead);
        const objections = listObjections(tx, lead);
        log({
          targetType: 'lead',
          targetIds: [lead.id],
          detail: { objections: objections.length },
        });
        return { ...flags, objections };
      }),
    ),

  /**
   * Legal hold on or off, with a required reason: a held lead is never anonymised (every run
   * that skips it says so). Allowed on a restricted lead; not on an anonymised one.
   */
  setLegalHold: can('lead:hold', { purpose: 'dsr' })
    .input(leadHoldInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const [lead] = leadsForUpdate(tx, { scope: ctx.scope, ids: [input.id] });
        if (!lead) throw notFound('lead', input.id);
        if (lead.anonymisedAt !== null) throw domainError('CONFLICT', 'leadAnonymised');
        const changed = setLegalHold(tx, {
          lead,
          on: input.on,
          reason: input.reason,
          actorUserId: ctx.actor.userId,
        });
        // The reason may name people: the log keeps only that the hold was set or lifted.
        log({ targetType: 'lead', targetIds: [lead.id], detail: { on: input.on, changed } });
        return { id: lead.id, legalHold: input.on, changed };
      }),
    ),

  /** Restriction (GDPR art. 18) on or off, with a reason: a restricted lead is only stored. */
  setRestricted: can('lead:restrict', { purpose: 'dsr' })
    .input(leadRestrictInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const [lead] = leadsForUpdate(tx, { scope: ctx.scope, ids: [input.id] });
        if (!lead) throw notFound('lead', input.id);
        if (lead.anonymisedAt !== null) throw domainError('CONFLICT', 'leadAnonymised');
        const changed = setRestricted(tx, {
          lead,
          on: input.on,
          reason: input.reason,
          actorUserId: ctx.actor.userId,
        });
        log({ targetType: 'lead', targetIds: [lead.id], detail: { on: input.on, changed } });
        return { id: lead.id, restricted: input.on, changed };
      }),
    ),

  /**
   * An objection (GDPR art. 21). To marketing: recorded, and marketing consent withdrawn.
   * Anything else: recorded, and the lead restricted while the objection is assessed.
   */
  object: can('lead:restrict', { purpose: 'dsr' })
    .input(leadObjectionInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const [lead] = leadsForUpdate(tx, { scope: ctx.scope, ids: [input.id] });
        if (!lead) throw notFound('lead', input.id);
        if (lead.anonymisedAt !== null) throw domainError('CONFLICT', 'leadAnonymised');
        const now = Date.now();
        const objection = recordObjection(
          tx,
          { lead, kind: input.kind, reason: input.reason, actorUserId: ctx.actor.userId },
          now,
        );
        let withdrawn: string[] = [];
        let touched: number[] = [];
        if (input.kind === 'marketing') {
          // An objection to marketing reaches the person: every lead with the same e-mail (or
          // phone, for SMS) at any subsidiary, and the suppression list.
          const result = withdrawAllMarketing(tx, {
            lead,
            source: 'staff_on_request',
            actorUserId: ctx.actor.userId,
            at: now,
          });
          withdrawn = result?.withdrawn ?? [];
          touched = (result?.touchedLeadIds ?? []).filter((id) => id !== lead.id);
        }
        log({
          targetType: 'lead',
          targetIds: [lead.id, ...touched],
          detail: {
            objectionId: objection.id,
            kind: input.kind,
            restricted: objection.restricted,
            withdrawn,
          },
        });
        return { id: objection.id, restricted: objection.restricted, withdrawn };
      }),
    ),
});
