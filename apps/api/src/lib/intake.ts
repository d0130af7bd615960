import {
  type Db,
  findLeadByIdempotencyKey,
  findPolicyVersionByLabel,
  findProjectBySlug,
  getCurrentPolicyVersionRef,
  indexLeadsForSearch,
  insertLead,
  insertOutbox,
  inTransaction,
  intakeConsent,
  legacySuppressionsRemain,
  osloDate,
  recordConsentOfNewLead,
  suppressedAmong,
} from '@mg/db';
import {
  addDays,
  type ConsentPurpose,
  type FieldErrors,
  formatDateTime,
  formatVersionLabel,
  intakeInput,
  type LeadSource,
  osloDayStart,
  PROJECT_STATUSES_OPEN_FOR_INTAKE,
  toFieldErrors,
} from '@mg/shared';
import { logEntry, PUBLIC } from './access-log';
import {
  CONFIRMATION_TTL_MS,
  confirmationUrl,
  issueConsentConfirmation,
} from './consent-confirmation';
import { uniqueViolation } from './errors';
import {
  createUnsubscribeToken,
  listUnsubscribeHeaders,
  type RequestMeta,
  unsubscribeUrl,
} from './unsubscribe';

export type ConsentGiven = Record<ConsentPurpose, boolean>;

export type IntakeOutcome =
  /**
   * Stored now, or stored by an earlier request with the same idempotency key. `consent` is
   * what is in force (ticked, less earlier opt-outs); `requested` is what this form ticked,
   * the only thing an anonymous caller is told.
   */
  | { kind: 'created' | 'repeat'; leadId: number; consent: ConsentGiven; requested: ConsentGiven }
  /** A bot filled the hidden field: answered like a success, nothing stored. */
  | { kind: 'honeypot' }
  | { kind: 'unknownProject' }
  /** The project is not taking forms (status, or its subsidiary is inactive). */
  | { kind: 'closedProject' }
  | { kind: 'invalid'; fieldErrors: FieldErrors };

export interface IntakeRequest {
  slug: string;
  /** The parsed JSON or form body, as received. */
  body: Record<string, unknown>;
  /** From the Idempotency-Key header; wins over a form field of the same name. */
  idempotencyKey?: string | undefined;
  source: LeadSource;
  /** Where links in the notification point (publicBaseUrl: PUBLIC_URL or the listening address). */
  baseUrl: string;
  meta: RequestMeta;
}

export const NOTIFICATION_KIND = 'lead_notification';

/**
 * The subsidiary's notice of a new lead. It holds no personal data (no name, e-mail, phone
 * or message): only the project and a link that needs a login.
 */
export function leadNotification(projectName: string, link: string) {
  return {
    subject: `Ny interessent: ${projectName}`,
    body: [
      'Hei,',
      '',
      `Det har kommet en ny interessent for prosjektet ${projectName}.`,
      'Åpne henvendelsen i MG Leads (innlogging kreves):',
      link,
      '',
      'Av personvernhensyn inneholder denne e-posten ingen personopplysninger.',
      '',
      '-- ',
      'MG Leads, Mestergruppen Eiendom',
    ].join('\n'),
  };
}

export const RECEIPT_KIND = 'consent_receipt';

const PURPOSE_TEXT: Record<ConsentPurpose, string> = {
  marketing_email: 'nyheter og tilbud på e-post',
  marketing_sms: 'nyheter og tilbud på SMS',
};

/**
 * The receipt's dates, formatted through Intl (about 3 % of a form's CPU in
 * bench/intake/db-path.ts, on most forms): the last minute's text is kept, since the text shows the minute and Oslo's
 * offsets are whole hours, so every instant of one minute reads the same; a policy label's
 * text is kept per label (a handful in all).
 */
const receiptText = {
  lastMinute: { minute: Number.NaN, text: '' },
  labels: new Map<string, string>(),
  dateTime(at: number): string {
    const minute = Math.floor(at / 60_000);
    if (minute !== this.lastMinute.minute) this.lastMinute = { minute, text: formatDateTime(at) };
    return this.lastMinute.text;
  },
  versionLabel(label: string): string {
    let text = this.labels.get(label);
    if (text === undefined) {
      text = formatVersionLabel(label);
      // Labels are a handful; a bound all the same, since they come from the database.
      if (this.labels.size >= 100) this.labels.clear();
      this.labels.set(label, text);
    }
    return text;
  },
};

/**
 * The consumer's receipt for the marketing consent given on the form: what was consented to,
 * under which policy version, and the link that withdraws it (also sent as RFC 8058
 * List-Unsubscribe headers, so mail clients show their own unsubscribe button). Purposes
 * ticked from an address on the suppression list are not in force yet: the receipt asks the
 * person to confirm them through a single-use link instead (double opt-in).
 */
export function consentReceipt(params: {
  projectName: string;
  purposes: readonly ConsentPurpose[];
  policyLabel: string | null;
  baseUrl: string;
  token: string;
  pending?: readonly ConsentPurpose[];
  confirmToken?: string | null;
  /** When the form was received: the receipt says when consent was given (art. 7(1)). */
  at: number;
}) {
  const list = (purposes: readonly ConsentPurpose[]) =>
    purposes.map((p) => PURPOSE_TEXT[p]).join(' og ');
  const policy = params.policyLabel
    ? `personvernerklæringen vår (versjon ${receiptText.versionLabel(params.policyLabel)})`
    : 'personvernerklæringen vår';
  const pending = params.pending ?? [];
  const lines = [
    'Hei,',
    '',
    `Takk for at du har meldt interesse for ${params.projectName}. Vi mottok skjemaet ${receiptText.dateTime(params.at)}.`,
  ];
  if (params.purposes.length > 0)
    lines.push(
      `Du har samtykket til å få ${list(params.purposes)} fra Mestergruppen Eiendom etter ${policy}.`,
    );
  if (pending.length > 0 && params.confirmToken)
    lines.push(
      '',
      `Du har tidligere meldt deg av ${list(pending)}. Vil du ha dem igjen, må du bekrefte det her (lenken virker én gang, til ${receiptText.dateTime(params.at + CONFIRMATION_TTL_MS)}):`,
      confirmationUrl(params.baseUrl, params.confirmToken),
      'Gjør du ingenting, får du dem ikke.',
    );
  lines.push(
    '',
    'Du kan når som helst trekke samtykket tilbake her:',
    unsubscribeUrl(params.baseUrl, params.token),
    '',
    '-- ',
    'Mestergruppen Eiendom',
  );
  return {
    subject: `Takk for interessen for ${params.projectName}`,
    body: lines.join('\n'),
    headers: listUnsubscribeHeaders(params.baseUrl, params.token),
  };
}

/**
 * Validate and store one interest form. Everything is written in one transaction: the lead
 * and its disclosure, its consent events, the unsubscribe token hash, the notification in
 * the outbox, the consumer's consent receipt (when any consent was given) and the
 * access-log entry commit together or not at all. Within a batch (`batch` given) the lead's
 * full-text row is written by the batch, in the same transaction, after its last form.
 */
export function submitIntake(
  db: Db,
  req: IntakeRequest,
  now = Date.now(),
  batch?: IntakeBatch,
): IntakeOutcome {
  const project = projectOf(db, req.slug, batch);
  if (!project) return { kind: 'unknownProject' };
  if (typeof req.body.website === 'string' && req.body.website.trim() !== '')
    return { kind: 'honeypot' };

  const raw =
    req.idempotencyKey === undefined
      ? req.body
      : { ...req.body, idempotencyKey: req.idempotencyKey };
  const parsed = intakeInput.safeParse(raw);
  const fieldErrors: FieldErrors = parsed.success ? {} : toFieldErrors(parsed.error.issues);
  const label = parsed.success
    ? parsed.data.policyVersion
    : typeof raw.policyVersion === 'string'
      ? raw.policyVersion.trim() || undefined
      : undefined;
  const chosenPolicy = label ? findPolicyVersionByLabel(db, label) : undefined;
  if (label && !chosenPolicy && !fieldErrors.policyVersion)
    fieldErrors.policyVersion = [{ key: 'invalid' }];
  if (!parsed.success || Object.keys(fieldErrors).length > 0)
    return { kind: 'invalid', fieldErrors };
  const input = parsed.data;
  // Keys are per project, so the same key on two forms never links their leads.
  const key = input.idempotencyKey ? `${project.id}:${input.idempotencyKey}` : null;
  const requested: ConsentGiven = {
    marketing_email: input.marketingEmail,
    marketing_sms: input.marketingSms,
  };

  try {
    // A savepoint of the batch's transaction (or a transaction of its own without a batch).
    const outcome = inTransaction(db, (tx): IntakeOutcome => {
      if (key) {
        const first = findLeadByIdempotencyKey(tx, key);
        if (first)
          return {
            kind: 'repeat',
            leadId: first.id,
            consent: intakeConsent(tx, first),
            requested,
          };
      }
      const open =
        project.subsidiaryActive && PROJECT_STATUSES_OPEN_FOR_INTAKE.includes(project.status);
      if (!open) return { kind: 'closedProject' };
      const policy = chosenPolicy ?? currentPolicy(tx, now, batch);
      const policyVersionId = policy?.id ?? null;

      // Ticked purposes, less any the person (e-mail; phone for SMS) has opted out of: the
      // suppression list outlives erasure, so a new form cannot re-subscribe someone who
      // unsubscribed. Those wait for the person's confirmation (double opt-in).
      const ticked = (Object.keys(requested) as ConsentPurpose[]).filter((p) => requested[p]);
      // Whether legacy opt-outs remain, once per batch: every form of it may skip their key.
      if (batch && batch.legacySuppressions === undefined)
        batch.legacySuppressions = legacySuppressionsRemain(tx);
      const legacy = batch?.legacySuppressions ?? true;
      const suppressed = suppressedAmong(tx, { email: input.email, phone: input.phone }, ticked, {
        legacy,
      });
      const consent: ConsentGiven = { marketing_email: false, marketing_sms: false };
      for (const purpose of ticked) consent[purpose] = !suppressed.has(purpose);
      const granted = (Object.keys(consent) as ConsentPurpose[]).filter((p) => consent[p]);
      const pending = (Object.keys(consent) as ConsentPurpose[]).filter(
        (p) => requested[p] && !consent[p],
      );
      // The token leaves this function only inside the receipt's outbox row.
      const unsubscribe =
        granted.length > 0 || pending.length > 0 ? createUnsubscribeToken() : null;

      const lead = insertLead(
        tx,
        {
          projectId: project.id,
          subsidiaryId: project.subsidiaryId,
          name: input.name,
          email: input.email,
          phone: input.phone,
          message: input.message ?? null,
          source: req.source,
          policyVersionId,
          idempotencyKey: key,
          unsubscribeTokenHash: unsubscribe?.hash ?? null,
          // The consent in force, written with the row: the events below say the same.
          consentEmail: consent.marketing_email,
          consentSms: consent.marketing_sms,
          createdAt: now,
        },
        { searchIndex: batch ? 'deferred' : 'now', legacySuppressions: legacy },
      );
      const leadId = lead.id;
      for (const purpose of ticked) {
        recordConsentOfNewLead(tx, {
          lead,
          purpose,
          granted: consent[purpose],
          source: 'form',
          policyVersionId,
          actorUserId: null,
          at: now,
        });
      }
      const notice = leadNotification(
        project.name,
        `${req.baseUrl.replace(/\/+$/, '')}/leads/${leadId}`,
      );
      insertOutbox(
        tx,
        {
          kind: NOTIFICATION_KIND,
          leadId,
          subsidiaryId: project.subsidiaryId,
          toAddress: project.contactEmail,
          subject: notice.subject,
          body: notice.body,
        },
        now,
      );
      if (unsubscribe) {
        const confirmToken =
          pending.length > 0 ? issueConsentConfirmation(tx, lead, pending, now) : null;
        const receipt = consentReceipt({
          projectName: project.name,
          purposes: granted,
          policyLabel: policy?.label ?? null,
          baseUrl: req.baseUrl,
          token: unsubscribe.token,
          pending,
          confirmToken,
          at: now,
        });
        insertOutbox(
          tx,
          {
            kind: RECEIPT_KIND,
            leadId,
            subsidiaryId: null,
            toAddress: input.email,
            ...receipt,
          },
          now,
        );
      }
      logEntry(
        tx,
        req.meta,
        PUBLIC,
        {
          action: 'intake.create',
          purpose: 'intake',
          targetType: 'lead',
          targetIds: [leadId],
          outcome: 'ok',
          detail: { projectId: project.id, source: req.source },
        },
        now,
      );
      return { kind: 'created', leadId, consent, requested };
    });
    // Only now is the form's savepoint released: its lead stays unless the batch fails.
    if (outcome.kind === 'created') batch?.newLeadIds.push(outcome.leadId);
    return outcome;
  } catch (error) {
    // Another process stored the same key between our check and our insert.
    if (key && uniqueViolation(error) === 'idempotency_key') {
      const first = findLeadByIdempotencyKey(db, key);
      if (first)
        return {
          kind: 'repeat',
          leadId: first.id,
          consent: intakeConsent(db, first),
          requested,
        };
    }
    throw error;
  }
}

/**
 * What the forms of one group-commit batch share: they run in one transaction, so the
 * policy version in force on a given day cannot change between them.
 */
export interface IntakeBatch {
  policyByDay: Map<string, { id: number; label: string } | undefined>;
  /**
   * Whether legacy opt-outs (plain SHA-256) remain, asked once per batch: the batch is one
   * transaction and intake only removes them, so "none" holds for all its forms.
   */
  legacySuppressions?: boolean;
  /** Projects by slug: a burst of forms nearly always posts to the same few. */
  projectBySlug: Map<string, ReturnType<typeof findProjectBySlug>>;
  /** The queue's Oslo calendar (shared by its batches). */
  days: OsloDays;
  /** Leads stored by the batch so far; their full-text rows are written when it ends. */
  newLeadIds: number[];
}

/**
 * The project a form posts to, looked up once per batch and slug: the batch is one
 * transaction, whose reads all see one snapshot of the database (and intake never writes a
 * project), so a second lookup would give the same answer; an edit lands between batches.
 */
function projectOf(db: Db, slug: string, batch?: IntakeBatch) {
  if (!batch) return findProjectBySlug(db, slug);
  if (!batch.projectBySlug.has(slug)) batch.projectBySlug.set(slug, findProjectBySlug(db, slug));
  return batch.projectBySlug.get(slug);
}

function currentPolicy(
  tx: Parameters<typeof getCurrentPolicyVersionRef>[0],
  now: number,
  batch?: IntakeBatch,
) {
  if (!batch) return getCurrentPolicyVersionRef(tx, osloDate(now));
  const today = batch.days.dateOf(now);
  if (!batch.policyByDay.has(today))
    batch.policyByDay.set(today, getCurrentPolicyVersionRef(tx, today));
  return batch.policyByDay.get(today);
}

/**
 * The Oslo day of an instant, remembering the last day seen and the instants it spans: the
 * next form nearly always falls on it, so the time-zone arithmetic (Intl.DateTimeFormat,
 * about a twentieth of a form's CPU when done per form) runs about once a day, and a form at
 * 00:00:00.000 still gets the new day.
 */
export function osloDays() {
  let known: { date: string; from: number; to: number } | undefined;
  return {
    dateOf(at: number): string {
      if (known && at >= known.from && at < known.to) return known.date;
      const date = osloDate(at);
      known = { date, from: osloDayStart(date), to: osloDayStart(addDays(date, 1)) };
      return date;
    },
  };
}
export type OsloDays = ReturnType<typeof osloDays>;

type Settled = { ok: true; value: IntakeOutcome } | { ok: false; error: unknown };

/**
 * Group commit. Forms that arrive within a short gathering window are stored in one SQLite
 * transaction, each in a savepoint of its own: a form's rows still commit or roll back
 * together (a failing form undoes only its savepoint and answers 500), but the pages a commit
 * writes to the WAL (the lead and its indexes, full-text index, disclosure, consent, outbox
 * and access log) are written once per batch instead of once per form.
 *
 * The window: a batch is flushed `gatherMs` after its first form (or at once when it holds
 * `maxBatch` forms). Flushing at the next turn of the event loop, as before, gave batches of
 * ~4 forms under the bench's load (a third of them a single form), since the clients' next
 * posts arrive spread over the following milliseconds; a batch's fixed cost (BEGIN, COMMIT
 * with its WAL pages, the per-batch lookups, the full-text statement) then weighed on every
 * form (bench/intake/db-path.ts: ~2.8x the CPU per form in batches of 1 as in batches of 50).
 * A lone form waits `gatherMs` longer than before: a millisecond or two on a web form's post.
 */
export interface IntakeQueueOptions {
  /** How long a batch gathers forms after its first; 0 = the next turn of the event loop. */
  gatherMs?: number;
  /**
   * A batch this large is flushed at the next turn, and no batch is larger (the rest follow
   * in the turns after): bounds how long one flush holds the event loop.
   */
  maxBatch?: number;
  /** Told each batch's size after it settled (tests and the bench). */
  onBatch?: (size: number) => void;
}

export const INTAKE_GATHER_MS = 2;
export const INTAKE_MAX_BATCH = 64;

export function createIntakeQueue(db: Db, options: IntakeQueueOptions = {}) {
  const gatherMs = options.gatherMs ?? INTAKE_GATHER_MS;
  const maxBatch = Math.max(1, options.maxBatch ?? INTAKE_MAX_BATCH);
  // The flush scheduled for the current batch: its gathering timer, or the next turn.
  let timer: ReturnType<typeof setTimeout> | null = null;
  let immediate = false;
  const flushNow = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    immediate = true;
    setImmediate(flush);
  };
  const queue: { req: IntakeRequest; settle: (result: Settled) => void }[] = [];
  const days = osloDays();

  function flush() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    immediate = false;
    const batch = queue.splice(0, maxBatch);
    if (queue.length > 0) flushNow();
    if (batch.length === 0) return;
    const results: Settled[] = [];
    const shared: IntakeBatch = {
      policyByDay: new Map(),
      projectBySlug: new Map(),
      newLeadIds: [],
      days,
    };
    try {
      inTransaction(db, () => {
        for (const { req } of batch) {
          try {
            results.push({ ok: true, value: submitIntake(db, req, Date.now(), shared) });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
        // One statement for the batch's full-text rows: FTS5 flushes its pending terms at
        // every savepoint, so indexing form by form wrote a segment per form. Part of the
        // batch's transaction: if it fails, nothing of the batch is stored.
        indexLeadsForSearch(db, shared.newLeadIds);
      });
    } catch (error) {
      // The commit itself failed: nothing of the batch was stored.
      for (const item of batch) item.settle({ ok: false, error });
      options.onBatch?.(batch.length);
      return;
    }
    for (const [i, item] of batch.entries())
      item.settle(results[i] ?? { ok: false, error: new Error('lost') });
    options.onBatch?.(batch.length);
  }

  return {
    submit(req: IntakeRequest): Promise<IntakeOutcome> {
      return new Promise((resolve, reject) => {
        queue.push({ req, settle: (r) => (r.ok ? resolve(r.value) : reject(r.error)) });
        if (immediate) return;
        // Full, or no window: flushed at the next turn (never here, inside a request's handling).
        if (queue.length >= maxBatch || gatherMs <= 0) flushNow();
        else if (timer === null) timer = setTimeout(flush, gatherMs);
      });
    },
  };
}
