import type { Worker } from 'node:worker_threads';
import {
  claimDueOutbox,
  type Db,
  markOutboxAttemptFailed,
  markOutboxSent,
  releaseOutboxClaims,
} from '@mg/db';
import type { Logger } from '../lib/logger';
import type { Mailer, MailMessage } from '../lib/mail';
import { startWorkerBeside } from '../lib/worker-thread';
import type { WriteGate } from '../lib/write-gate';
import {
  type MailResult,
  type MailWorkerData,
  type MailWorkerReply,
  type MailWorkerRequest,
  sendOutboxMessage,
} from './mail-jobs';

/** After this many failed attempts a message is marked failed and left for a person to see. */
export const OUTBOX_MAX_ATTEMPTS = 6;
const BASE_DELAY_MS = 60_000;
/** A claimed message is not picked up again for this long, even if the process dies mid-send. */
const LEASE_MS = 5 * 60_000;
const BATCH = 50;

/** 1, 2, 4, 8, 16 minutes after the 1st, 2nd, … failure. */
export function retryDelay(failedAttempts: number): number {
  return BASE_DELAY_MS * 2 ** Math.max(0, failedAttempts - 1);
}

export interface OutboxDeps {
  db: Db;
  mailer: Mailer;
  log: Logger;
  /** Runs wait here while a search-index merge step holds the write lock (decision 059). */
  gate?: WriteGate;
}

export interface OutboxRun {
  sent: number;
  retrying: number;
  failed: number;
}

/** A claimed outbox row, as claimDueOutbox returns it. */
export type ClaimedMessage = ReturnType<typeof claimDueOutbox>[number];

/**
 * Sends a claimed batch: one result per message. Rejects when nothing is known about the
 * batch (the mail worker died or did not answer): its claims are then released.
 */
type SendBatch = (messages: ClaimedMessage[]) => Promise<MailResult[]>;

function toMailMessage(message: ClaimedMessage): MailMessage & { outboxId: number } {
  return {
    to: message.toAddress,
    subject: message.subject,
    text: message.body,
    headers: message.headers,
    outboxId: message.id,
    kind: message.kind,
  };
}

/** In this thread, one message after the other (tests, the CLI and processOutbox). */
function sendInProcess(mailer: Mailer): SendBatch {
  return async (claimed) => {
    const results: MailResult[] = [];
    for (const message of claimed)
      results.push(await sendOutboxMessage(mailer, toMailMessage(message)));
    return results;
  };
}

/**
 * Send every due message once; reschedule failures with exponential back-off. Works in
 * batches; `stop` is asked between batches (shutdown finishes the batch it is in).
 */
export function processOutbox(
  deps: OutboxDeps,
  now = Date.now(),
  stop: () => boolean = () => false,
  /** Ids claimed and not yet recorded, for releasing them at shutdown. */
  inFlight: Set<number> = new Set(),
): Promise<OutboxRun> {
  return runOutbox(deps, sendInProcess(deps.mailer), now, stop, inFlight);
}

async function runOutbox(
  { db, log }: Pick<OutboxDeps, 'db' | 'log'>,
  send: SendBatch,
  now: number,
  stop: () => boolean,
  inFlight: Set<number>,
): Promise<OutboxRun> {
  const run: OutboxRun = { sent: 0, retrying: 0, failed: 0 };
  for (;;) {
    const claimed = db.transaction((tx) =>
      claimDueOutbox(tx, { now, limit: BATCH, leaseMs: LEASE_MS }),
    );
    if (claimed.length === 0) return run;
    for (const message of claimed) inFlight.add(message.id);
    let answered: MailResult[];
    try {
      answered = await send(claimed);
    } catch (error) {
      // Nothing known about this batch (the mail worker died or did not answer): due again
      // now rather than after the lease. Some may have gone out: at least once, never lost.
      // The next run (a kick or the 15-s schedule) sends them; not this one, so a worker
      // that dies on a message does not spin.
      const ids = claimed.map((m) => m.id);
      db.transaction((tx) => releaseOutboxClaims(tx, ids, Date.now()));
      for (const id of ids) inFlight.delete(id);
      log.warn({ released: ids.length, err: error }, 'mail batch lost: claims released');
      return run;
    }
    const byId = new Map(answered.map((r) => [r.id, r.error]));
    const results = claimed.map((message) => ({
      id: message.id,
      attempts: message.attempts + 1,
      // A message the sender did not answer for counts as a failed attempt.
      error: byId.has(message.id) ? (byId.get(message.id) ?? null) : 'unanswered',
    }));
    // One write for the whole batch. A crash before it re-sends the batch after the lease
    // (at least once, never silently lost).
    db.transaction((tx) => {
      for (const r of results) {
        if (r.error === null) {
          markOutboxSent(tx, r.id, r.attempts, now);
          run.sent++;
          continue;
        }
        const giveUp = r.attempts >= OUTBOX_MAX_ATTEMPTS;
        markOutboxAttemptFailed(tx, r.id, {
          attempts: r.attempts,
          lastError: r.error,
          nextAttemptAt: giveUp ? null : now + retryDelay(r.attempts),
        });
        if (giveUp) run.failed++;
        else run.retrying++;
      }
    });
    for (const message of claimed) inFlight.delete(message.id);
    for (const r of results)
      if (r.error !== null)
        log.warn({ outboxId: r.id, attempts: r.attempts, error: r.error }, 'mail not sent');
    if (claimed.length < BATCH || stop()) return run;
  }
}

/**
 * Runs processOutbox on demand without overlapping itself: a kick during a run makes one
 * more run afterwards, so a burst of intakes costs a few runs, not one per lead.
 */
export function createOutboxWorker(deps: OutboxDeps) {
  return createOutboxRunner(deps, sendInProcess(deps.mailer));
}

function createOutboxRunner(deps: Pick<OutboxDeps, 'db' | 'log' | 'gate'>, send: SendBatch) {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const inFlight = new Set<number>();
  const loop = async () => {
    do {
      again = false;
      const leave = await deps.gate?.enter();
      try {
        await runOutbox(deps, send, Date.now(), () => stopped, inFlight);
      } catch (error) {
        deps.log.error({ err: error }, 'outbox run failed');
      } finally {
        leave?.();
      }
    } while (again && !stopped);
  };
  return {
    kick(): void {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = loop().finally(() => {
        running = null;
      });
    },
    /** Resolves when no run is in progress (for tests). */
    async idle(): Promise<void> {
      while (running) await running;
    },
    /**
     * For shutdown: no new runs; resolves once the batch in progress is recorded, or after
     * `graceMs`, when the messages still being sent are released (due again at once) so the
     * next start does not wait out their lease. Such a message may then go out twice: at
     * least once, never lost.
     */
    async stop(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
      stopped = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        if (Number.isFinite(graceMs)) timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const done = (async () => {
        while (running) await running;
        return 'done' as const;
      })();
      const result = await Promise.race([done, timeout]);
      clearTimeout(timer);
      if (result === 'timeout' && inFlight.size > 0) {
        const ids = [...inFlight];
        deps.db.transaction((tx) => releaseOutboxClaims(tx, ids, Date.now()));
        deps.log.warn({ released: ids.length }, 'outbox claims released at shutdown');
      }
    },
  };
}
export type OutboxWorker = ReturnType<typeof createOutboxWorker>;

/** The mail worker's answer to a batch is awaited this long; then its claims are released. */
export const MAIL_WORKER_ANSWER_MS = 3 * 60_000;

/**
 * The outbox as main.ts runs it: this thread claims the due rows and records the outcomes
 * (the database stays the one place that says what was sent), a worker thread
 * (mail-worker.ts) composes and sends each claimed batch and answers sent or failed per
 * message. A worker that dies, or does not answer within `answerTimeoutMs` (it is then
 * ended), has its batch's claims released: due again at once, sent again by the next run.
 * The worker starts with the first batch and again after it died.
 */
export function startMailWorker(
  deps: Pick<OutboxDeps, 'db' | 'log' | 'gate'> & { mail: MailWorkerData },
  { answerTimeoutMs = MAIL_WORKER_ANSWER_MS }: { answerTimeoutMs?: number } = {},
) {
  let worker: Worker | null = null;
  let seq = 0;
  let waiting: {
    seq: number;
    resolve: (results: MailResult[]) => void;
    reject: (error: Error) => void;
    timer: NodeJS.Timeout;
  } | null = null;
  let closed = false;

  const settle = () => {
    const w = waiting;
    waiting = null;
    if (w) clearTimeout(w.timer);
    return w;
  };
  const spawn = (): Worker => {
    const w = startWorkerBeside(import.meta.url, 'mail-worker', deps.mail);
    // Idle, the worker does not keep the process alive; busy, it does until it answers.
    w.unref();
    w.on('message', (reply: MailWorkerReply) => {
      if (waiting?.seq !== reply.seq) return;
      w.unref();
      settle()?.resolve(reply.results);
    });
    w.on('error', (error) => deps.log.error({ err: error }, 'mail worker failed'));
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      settle()?.reject(new Error(`mail worker exited (${code})`));
    });
    return w;
  };
  const send: SendBatch = (claimed) =>
    new Promise((resolve, reject) => {
      if (closed) {
        reject(new Error('the mail worker is closed'));
        return;
      }
      worker ??= spawn();
      const w = worker;
      const id = ++seq;
      const timer = setTimeout(() => {
        if (waiting?.seq !== id) return;
        settle()?.reject(new Error('mail worker did not answer'));
        // Stuck (an SMTP server that stopped answering, say): a fresh one takes the next batch.
        if (worker === w) worker = null;
        void w.terminate();
      }, answerTimeoutMs);
      waiting = { seq: id, resolve, reject, timer };
      w.ref();
      const request: MailWorkerRequest = {
        type: 'send',
        seq: id,
        messages: claimed.map(toMailMessage),
      };
      w.postMessage(request);
    });

  const runner = createOutboxRunner(deps, send);
  return {
    ...runner,
    /** The worker thread now running, if any (tests). */
    get thread(): Worker | null {
      return worker;
    },
    /**
     * After stop(): the worker closes its mailer (SMTP connections end with QUIT) and ends;
     * ended after `graceMs` if it has not.
     */
    async close(graceMs = 2_000): Promise<void> {
      closed = true;
      const w = worker;
      worker = null;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      const request: MailWorkerRequest = { type: 'close' };
      w.postMessage(request);
      const timer = setTimeout(() => void w.terminate(), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
export type MailWorker = ReturnType<typeof startMailWorker>;
