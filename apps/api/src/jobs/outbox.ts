import {
  claimDueOutbox,
  type Db,
  markOutboxAttemptFailed,
  markOutboxSent,
  releaseOutboxClaims,
} from '@mg/db';
import type { Logger } from '../lib/logger';
import { describeMailError, type Mailer } from '../lib/mail';

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
}

export interface OutboxRun {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Send every due message once; reschedule failures with exponential back-off. Works in
 * batches; `stop` is asked between batches (shutdown finishes the batch it is in).
 */
export async function processOutbox(
  deps: OutboxDeps,
  now = Date.now(),
  stop: () => boolean = () => false,
  /** Ids claimed and not yet recorded, for releasing them at shutdown. */
  inFlight: Set<number> = new Set(),
): Promise<OutboxRun> {
  const { db, mailer, log } = deps;
  const run: OutboxRun = { sent: 0, retrying: 0, failed: 0 };
  for (;;) {
    const claimed = db.transaction((tx) =>
      claimDueOutbox(tx, { now, limit: BATCH, leaseMs: LEASE_MS }),
    );
    for (const message of claimed) inFlight.add(message.id);
    const results: { id: number; attempts: number; error: string | null }[] = [];
    for (const message of claimed) {
      const attempts = message.attempts + 1;
      try {
        await mailer.send({
          to: message.toAddress,
          subject: message.subject,
          text: message.body,
          headers: message.headers,
          outboxId: message.id,
          kind: message.kind,
        });
        results.push({ id: message.id, attempts, error: null });
      } catch (error) {
        results.push({ id: message.id, attempts, error: describeMailError(error) });
      }
    }
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
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const inFlight = new Set<number>();
  const loop = async () => {
    do {
      again = false;
      try {
        await processOutbox(deps, Date.now(), () => stopped, inFlight);
      } catch (error) {
        deps.log.error({ err: error }, 'outbox run failed');
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
