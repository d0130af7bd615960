import {
  anonymiseLeadsIn,
  type Conn,
  getSubjectLeads,
  insertDsrAction,
  linkSubjectLeads,
  listDsrActions,
  listSubjectSeenBy,
  recordObjection,
  rectifyLeads,
  setRestricted,
  subjectAddresses,
  subjectLeadsForAction,
  withdrawAllMarketing,
} from '@mg/db';
import {
  dsrPurpose,
  type Scope,
  SUBJECT_ACTIONS_BY_TYPE,
  type SubjectAction,
  type SubjectRequestType,
  subjectEraseInput,
  subjectObjectInput,
  subjectRectifyInput,
  subjectRestrictInput,
  subjectSeenByInput,
  subjectViewInput,
  subjectWithdrawInput,
} from '@mg/shared';
import { afterAnonymisation } from '../lib/erasure';
import { domainError, notFound } from '../lib/errors';
import { loadSubject, subjectActionBlock } from '../lib/subject-request';
import { can, router } from '../trpc';

/**
 * The request, the person's leads and the check that `action` may be taken now, inside the
 * action's transaction. Links the leads to the request, so they stay in its view after they
 * are anonymised or given another address.
 */
function forAction(tx: Conn, scope: Scope, requestId: number, action: SubjectAction) {
  const subject = loadSubject(tx, { scope, id: requestId });
  if (!subject) throw notFound('dsr', requestId);
  const block = subjectActionBlock(subject.request, action);
  if (block) throw domainError('CONFLICT', block);
  linkSubjectLeads(tx, requestId, subject.leadIds);
  const leads = subjectLeadsForAction(tx, { scope, ids: subject.leadIds });
  return { ...subject, leads, open: leads.filter((l) => l.anonymisedAt === null) };
}

type LogFn = (entry: {
  purpose: `dsr:${number}`;
  targetType: 'lead';
  targetIds: number[];
  detail: Record<string, unknown>;
}) => void;

/**
 * An action's two records, in its transaction: the access-log entry (purpose `dsr:<id>`, the
 * lead ids touched) and the request's own row (the leads acted on, field names, never values).
 */
function recordAction(
  tx: Conn,
  log: LogFn,
  a: Parameters<typeof insertDsrAction>[1] & {
    targetIds: readonly number[];
    logDetail: Record<string, unknown>;
  },
  now = Date.now(),
) {
  const { targetIds, logDetail, ...row } = a;
  log({
    purpose: dsrPurpose(a.dsrId),
    targetType: 'lead',
    targetIds: [...targetIds],
    detail: { requestId: a.dsrId, ...logDetail },
  });
  insertDsrAction(tx, row, now);
}

/**
 * Withdraws marketing consent from each lead through the lifecycle's person-wide function:
 * the person may be known by an e-mail on one lead and a phone on another, so every lead is
 * a way in; after the first, most calls find nothing left to withdraw.
 */
function withdrawMarketingFrom(
  tx: Conn,
  leads: readonly Parameters<typeof withdrawAllMarketing>[1]['lead'][],
  actorUserId: number,
  at: number,
) {
  const touched = new Set<number>();
  const withdrawn = new Set<string>();
  for (const lead of leads) {
    const result = withdrawAllMarketing(tx, { lead, source: 'dsr', actorUserId, at });
    for (const p of result?.withdrawn ?? []) withdrawn.add(p);
    for (const id of result?.touchedLeadIds ?? []) touched.add(id);
  }
  return { touched, withdrawn: [...withdrawn] };
}

export const subjectRouter = router({
  /**
   * Every lead of the person across all subsidiaries with consent history, notes,
   * disclosures, hold and restriction, and the request's own timeline. A read of personal
   * data: logged with the request as purpose and every lead id shown.
   */
  view: can('dsr:manage', { purpose: 'dsr' })
    .input(subjectViewInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const subject = loadSubject(tx, { scope: ctx.scope, id: input.requestId });
        if (!subject) throw notFound('dsr', input.requestId);
        const { request, leadIds, capped } = subject;
        const leads = getSubjectLeads(tx, { scope: ctx.scope, ids: leadIds, staff: true });
        log({
          purpose: dsrPurpose(request.id),
          targetType: 'lead',
          targetIds: leads.map((l) => l.id),
          detail: { requestId: request.id, leads: leads.length, capped },
        });
        const allowed: readonly SubjectAction[] =
          SUBJECT_ACTIONS_BY_TYPE[request.type as SubjectRequestType] ?? [];
        return {
          request: { ...request, ...subjectAddresses(request) },
          leads,
          capped,
          actions: listDsrActions(tx, request.id),
          allowedActions: allowed.filter((a) => subjectActionBlock(request, a) === null),
        };
      }),
    ),

  /**
   * Correct name, e-mail, phone and/or message on some or all of the person's leads, with
   * the intake's validators. The search index follows (the FTS update trigger); consent per
   * person follows the new address. The log and the request record the field names only.
   */
  rectify: can('dsr:manage', { purpose: 'dsr' })
    .input(subjectRectifyInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const { leads } = forAction(tx, ctx.scope, input.requestId, 'rectify');
        const byId = new Map(leads.map((l) => [l.id, l]));
        const targets = [...new Set(input.leadIds)].map((id) => {
          const lead = byId.get(id);
          if (!lead) throw notFound('lead', id);
          if (lead.anonymisedAt !== null) throw domainError('CONFLICT', 'leadAnonymised');
          return lead;
        });
        const { fields, leadIds } = rectifyLeads(tx, {
          leads: targets,
          values: {
            name: input.name,
            email: input.email,
            phone: input.phone,
            message: input.message,
          },
        });
        const ids = targets.map((l) => l.id);
        recordAction(tx, log, {
          dsrId: input.requestId,
          actorUserId: ctx.actor.userId,
          action: 'rectify',
          leadIds: ids,
          fieldsChanged: fields,
          targetIds: ids,
          logDetail: { fields, changed: leadIds.length },
        });
        return { fields, changed: leadIds.length };
      }),
    ),

  /**
   * Erasure: the lifecycle's anonymisation for every lead of the person except those under
   * legal hold; the request records which were kept and the hold's reason.
   */
  erase: can('dsr:manage', { purpose: 'dsr' })
    .input(subjectEraseInput)
    .mutation(async ({ ctx, input }) => {
      const result = ctx.audited((tx, log) => {
        const { leads } = forAction(tx, ctx.scope, input.requestId, 'erase');
        const done = anonymiseLeadsIn(tx, {
          scope: ctx.scope,
          ids: leads.map((l) => l.id),
          reason: { kind: 'request', requestId: input.requestId },
          log: (entry) =>
            log({ ...entry, action: 'subject.erase', purpose: dsrPurpose(input.requestId) }),
        });
        const reasons = new Map(leads.map((l) => [l.id, l.legalHoldReason]));
        const kept = done.skipped
          .filter((s) => s.reason === 'legalHold')
          .map((s) => ({ leadId: s.id, reason: s.reason, holdReason: reasons.get(s.id) ?? null }));
        insertDsrAction(tx, {
          dsrId: input.requestId,
          actorUserId: ctx.actor.userId,
          action: 'erase',
          leadIds: done.anonymised,
          kept,
          detail: {
            alreadyAnonymised: done.skipped.filter((s) => s.reason === 'alreadyAnonymised').length,
          },
        });
        return { anonymised: done.anonymised, kept, outboxIds: done.outboxIds };
      });
      // After the commit: the WAL checkpoint and the .eml copies, as every anonymisation does.
      if (ctx.outboxDir !== undefined)
        await afterAnonymisation(ctx.db, ctx.outboxDir, result.outboxIds);
      return { anonymised: result.anonymised, kept: result.kept };
    }),

  /** Restriction (GDPR art. 18) on every lead of the person that is not anonymised. */
  restrict: can('dsr:manage', { purpose: 'dsr' })
    .input(subjectRestrictInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const { open } = forAction(tx, ctx.scope, input.requestId, 'restrict');
        const now = Date.now();
        const changed = open.filter((lead) =>
          setRestricted(
            tx,
            { lead, on: true, reason: input.reason, actorUserId: ctx.actor.userId },
            now,
          ),
        );
        const ids = open.map((l) => l.id);
        recordAction(
          tx,
          log,
          {
            dsrId: input.requestId,
            actorUserId: ctx.actor.userId,
            action: 'restrict',
            leadIds: ids,
            detail: { changed: changed.length },
            targetIds: ids,
            logDetail: { restricted: changed.length },
          },
          now,
        );
        return { restricted: changed.map((l) => l.id) };
      }),
    ),

  /**
   * An objection (GDPR art. 21) on every lead of the person, through the lifecycle's
   * functions: to marketing, consent is withdrawn person-wide; otherwise the leads are
   * restricted while it is assessed.
   */
  object: can('dsr:manage', { purpose: 'dsr' })
    .input(subjectObjectInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const { open } = forAction(tx, ctx.scope, input.requestId, 'object');
        const now = Date.now();
        let restricted = 0;
        const touched = new Set<number>();
        for (const lead of open) {
          const objection = recordObjection(
            tx,
            { lead, kind: input.kind, reason: input.reason, actorUserId: ctx.actor.userId },
            now,
          );
          if (objection.restricted) restricted++;
          touched.add(lead.id);
        }
        // To marketing: consent is withdrawn person-wide, as for a withdrawal request.
        const marketing =
          input.kind === 'marketing'
            ? withdrawMarketingFrom(tx, open, ctx.actor.userId, now)
            : { touched: new Set<number>(), withdrawn: [] };
        for (const id of marketing.touched) touched.add(id);
        const { withdrawn } = marketing;
        const ids = open.map((l) => l.id);
        recordAction(
          tx,
          log,
          {
            dsrId: input.requestId,
            actorUserId: ctx.actor.userId,
            action: 'object',
            leadIds: ids,
            detail: { kind: input.kind, restricted, withdrawn },
            targetIds: [...touched],
            logDetail: { kind: input.kind, objections: ids.length, restricted, withdrawn },
          },
          now,
        );
        return { objections: ids.length, restricted, withdrawn };
      }),
    ),

  /** Withdraw every marketing consent of the person (all leads, and the suppression list). */
  withdrawConsent: can('dsr:manage', { purpose: 'dsr' })
    .input(subjectWithdrawInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const { open } = forAction(tx, ctx.scope, input.requestId, 'withdraw_consent');
        const now = Date.now();
        const { touched, withdrawn } = withdrawMarketingFrom(tx, open, ctx.actor.userId, now);
        const ids = open.map((l) => l.id);
        recordAction(
          tx,
          log,
          {
            dsrId: input.requestId,
            actorUserId: ctx.actor.userId,
            action: 'withdraw_consent',
            leadIds: ids,
            detail: { withdrawn },
            targetIds: [...new Set([...ids, ...touched])],
            logDetail: { withdrawn, events: touched.size },
          },
          now,
        );
        return { withdrawn, leads: touched.size };
      }),
    ),

  /**
   * "Who has seen this person": the access-log entries that touch any of the person's
   * leads, with the staff member's name, a page at a time. Reading it is logged too.
   */
  seenBy: can('dsr:seen_by', { purpose: 'dsr' })
    .input(subjectSeenByInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const subject = loadSubject(tx, { scope: ctx.scope, id: input.requestId });
        if (!subject) throw notFound('dsr', input.requestId);
        // Read before this read is logged, so the page shows what happened before it.
        const page = listSubjectSeenBy(tx, {
          leadIds: subject.leadIds,
          cursor: input.cursor,
          limit: input.limit,
        });
        log({
          purpose: dsrPurpose(input.requestId),
          targetType: 'lead',
          targetIds: subject.leadIds,
          detail: {
            requestId: input.requestId,
            accessLog: true,
            entries: page.items.map((e) => e.id),
          },
        });
        return page;
      }),
    ),
});
