import {
  type Conn,
  dsrCounts,
  extendDsr,
  getDsrRequest,
  insertDsrRequest,
  lastDsrToken,
  leadEmailsForPhone,
  listDsrEvents,
  listDsrRequests,
  setDsrStatus,
} from '@mg/db';
import {
  canTransition,
  DSR_TRANSITIONS,
  type DsrStatus,
  dsrCreateInput,
  dsrDueAt,
  dsrEarliestReceivedDate,
  dsrExtendInput,
  dsrIdInput,
  dsrListInput,
  dsrPurpose,
  dsrTransitionInput,
  dsrUrgency,
  isOpenDsr,
  normalisePhone,
  osloDate,
  osloDayStart,
  type Scope,
  transitionNeedsNote,
} from '@mg/shared';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { DSR_MAIL_KINDS, dsrClosingMail, queueDsrMail } from '../lib/dsr-mail';
import { sendDsrLinks } from '../lib/dsr-verification';
import { domainError, notFound } from '../lib/errors';
import { can, router } from '../trpc';

/**
 * The data subject request register (DOMAIN flow 4), for privacy officer and admin. Every
 * read and change is logged; entries about one request carry the purpose `dsr:<id>`. The
 * rules (due dates, allowed transitions, which need a note) live in @mg/shared/dsr.
 */

function requireRequest(conn: Conn, scope: Scope, id: number) {
  const request = getDsrRequest(conn, scope, id);
  if (!request) throw notFound('dsr', id);
  return request;
}

/**
 * A rule the schema cannot check alone (today's date, a note some targets need): a field
 * error like the schema's own. Made by zod itself, so the error formatter sees a real ZodError.
 */
function badInput(field: string, key: 'required' | 'dateOutOfRange') {
  const result = z
    .unknown()
    .superRefine((_, ctx) => ctx.addIssue({ code: 'custom', message: key, path: [field] }))
    .safeParse(undefined);
  return new TRPCError({ code: 'BAD_REQUEST', message: 'invalidInput', cause: result.error });
}

/** The dates and urgency the screens show, from what is stored. */
function withDates<T extends { receivedAt: number; dueAt: number; status: DsrStatus }>(
  row: T,
  now: number,
) {
  const dueDate = osloDate(row.dueAt);
  return {
    ...row,
    receivedDate: osloDate(row.receivedAt),
    dueDate,
    urgency: dsrUrgency(dueDate, row.status, now),
  };
}

export const dsrRouter = router({
  /** The register. Contacts are shown, so the ids returned are logged; a search as "searched". */
  list: can('dsr:manage', { purpose: 'dsr' })
    .input(dsrListInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const now = Date.now();
        const search = input.search ? input.search.toLowerCase() : undefined;
        const result = listDsrRequests(tx, {
          scope: ctx.scope,
          status: input.status,
          type: input.type,
          search,
          searchPhone: search ? normalisePhone(search) : null,
          openOnly: input.openOnly,
          limit: input.limit,
        });
        log({
          targetType: 'dsr',
          targetIds: result.items.map((r) => r.id),
          detail: {
            filters: [
              input.status ? 'status' : null,
              input.type ? 'type' : null,
              input.openOnly ? 'openOnly' : null,
            ].filter(Boolean),
            searched: Boolean(search),
            total: result.total,
          },
        });
        return { items: result.items.map((r) => withDates(r, now)), total: result.total };
      }),
    ),

  /** The dashboard card: numbers only, logged as an aggregate read. */
  counts: can('dsr:manage', { purpose: 'dsr' }).query(({ ctx }) =>
    ctx.audited((tx, log) => {
      const counts = dsrCounts(tx, ctx.scope, Date.now());
      log({ detail: { aggregate: true } });
      return counts;
    }),
  ),

  /** One request: details, due date, extension, the timeline, and what may come next. */
  byId: can('dsr:manage', { purpose: 'dsr' })
    .input(dsrIdInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const now = Date.now();
        const request = requireRequest(tx, ctx.scope, input.id);
        const events = listDsrEvents(tx, ctx.scope, input.id);
        const link = lastDsrToken(tx, input.id);
        log({ purpose: dsrPurpose(input.id), targetType: 'dsr', targetIds: [input.id] });
        return {
          ...withDates(request, now),
          events,
          lastLink: link ?? null,
          next: [...DSR_TRANSITIONS[request.status]] as DsrStatus[],
        };
      }),
    ),

  /**
   * Register a request received by e-mail, phone, letter (or typed in from the web). The
   * received date is an Oslo day, not in the future and at most a year back; the due date
   * follows from it.
   */
  create: can('dsr:manage', { purpose: 'dsr' })
    .input(dsrCreateInput)
    .mutation(({ ctx, input }) => {
      const now = Date.now();
      if (input.receivedDate > osloDate(now) || input.receivedDate < dsrEarliestReceivedDate(now))
        throw badInput('receivedDate', 'dateOutOfRange');
      return ctx.audited((tx, log) => {
        const { id } = insertDsrRequest(
          tx,
          {
            type: input.type,
            subjectEmail: input.email ?? null,
            subjectPhone: input.phone ?? null,
            channel: input.channel,
            receivedAt: osloDayStart(input.receivedDate),
            dueAt: dsrDueAt(input.receivedDate),
            message: input.message ?? null,
            createdByUserId: ctx.actor.userId,
          },
          now,
        );
        log({
          purpose: dsrPurpose(id),
          targetType: 'dsr',
          targetIds: [id],
          detail: { type: input.type, channel: input.channel },
        });
        return { id };
      });
    }),

  /**
   * Move a request along the allowed transitions (DSR_TRANSITIONS). Manual verification,
   * completion and rejection need a note; completing or rejecting mails the person what was
   * done or why not, with the right to complain to Datatilsynet.
   */
  transition: can('dsr:manage', { purpose: 'dsr' })
    .input(dsrTransitionInput)
    .mutation(({ ctx, input }) => {
      const result = ctx.audited((tx, log) => {
        const now = Date.now();
        const request = requireRequest(tx, ctx.scope, input.id);
        const from = request.status;
        if (!canTransition(from, input.to))
          throw domainError('CONFLICT', isOpenDsr(from) ? 'dsrTransitionNotAllowed' : 'dsrClosed');
        const note = input.note ?? null;
        if (transitionNeedsNote(input.to) && !note) throw badInput('note', 'required');
        const moved = setDsrStatus(tx, {
          id: input.id,
          from,
          to: input.to,
          note,
          byUserId: ctx.actor.userId,
          at: now,
          verificationMethod: 'manual',
        });
        // Someone else changed it between our read and write (a racing click or the link).
        if (!moved) throw domainError('CONFLICT', 'dsrTransitionNotAllowed');
        let mailed = false;
        if ((input.to === 'completed' || input.to === 'rejected') && request.subjectEmail && note) {
          queueDsrMail(
            tx,
            DSR_MAIL_KINDS.closing,
            request.subjectEmail,
            dsrClosingMail(request.type, input.to, note, osloDate(request.receivedAt)),
            now,
          );
          mailed = true;
        }
        log({
          purpose: dsrPurpose(input.id),
          targetType: 'dsr',
          targetIds: [input.id],
          detail: { from, to: input.to, mailed },
        });
        return { status: input.to, mailed };
      });
      if (result.mailed) ctx.kickOutbox?.();
      return result;
    }),

  /** The one extension (art. 12(3)): by 1 or 2 months, with a reason; a second is refused. */
  extend: can('dsr:manage', { purpose: 'dsr' })
    .input(dsrExtendInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const now = Date.now();
        const request = requireRequest(tx, ctx.scope, input.id);
        if (!isOpenDsr(request.status)) throw domainError('CONFLICT', 'dsrClosed');
        if (request.extensionMonths !== null) throw domainError('CONFLICT', 'dsrAlreadyExtended');
        const dueAt = dsrDueAt(osloDate(request.receivedAt), input.months);
        const extended = extendDsr(tx, {
          id: input.id,
          months: input.months,
          reason: input.reason,
          dueAt,
          byUserId: ctx.actor.userId,
          at: now,
        });
        if (!extended) throw domainError('CONFLICT', 'dsrAlreadyExtended');
        log({
          purpose: dsrPurpose(input.id),
          targetType: 'dsr',
          targetIds: [input.id],
          detail: { months: input.months },
        });
        return { dueDate: osloDate(dueAt) };
      }),
    ),

  /**
   * Mail a confirmation link: to the request's e-mail (the address leads are matched on), or,
   * when only a phone is known, to the e-mail on that phone's leads. Only while the request
   * waits for verification.
   */
  sendLink: can('dsr:manage', { purpose: 'dsr' })
    .input(dsrIdInput)
    .mutation(({ ctx, input }) => {
      // PUBLIC_URL (never the Host header); callers built without one (tests) get a placeholder.
      const baseUrl = ctx.baseUrl ?? 'http://localhost';
      const result = ctx.audited((tx, log) => {
        const request = requireRequest(tx, ctx.scope, input.id);
        if (request.status !== 'received') throw domainError('CONFLICT', 'dsrTransitionNotAllowed');
        const addresses = request.subjectEmail
          ? [request.subjectEmail]
          : request.subjectPhone
            ? leadEmailsForPhone(tx, ctx.scope, request.subjectPhone)
            : [];
        if (addresses.length === 0) throw domainError('CONFLICT', 'dsrNoAddress');
        const sent = sendDsrLinks(tx, {
          dsrId: input.id,
          type: request.type,
          addresses,
          baseUrl,
          byUserId: ctx.actor.userId,
          now: Date.now(),
        });
        log({
          purpose: dsrPurpose(input.id),
          targetType: 'dsr',
          targetIds: [input.id],
          detail: { addresses: sent },
        });
        return { sent };
      });
      ctx.kickOutbox?.();
      return result;
    }),
});
