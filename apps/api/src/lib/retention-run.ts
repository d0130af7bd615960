import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type AnonymisationLog,
  anonymiseRetentionBatch,
  type Conn,
  type Db,
  finishRetentionRun,
  markInterruptedRetentionRuns,
  type RetentionCursor,
  type RetentionRunStart,
  type RetentionRunTotals,
  retentionStep,
  startRetentionRun,
  walPacer,
} from '@mg/db';
import type { Scope } from '@mg/shared';
import { logEntry } from './access-log';
import { afterAnonymisation, type RunBy } from './erasure';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './session';

/**
 * Leads a step of the walk reads (a few ms at a million leads). Leads in the first batch: each
 * costs 1–2 ms of CPU (the personal fields, the full-text rows with secure-delete, about
 * twenty indexes). Later batches are sized from the pace of the one before so that a batch's
 * transaction takes about RETENTION_BATCH_MS: a loaded machine or a slow disk makes batches
 * smaller instead of the event loop's turns longer (issue 10 allows ~200 ms; bench/retention
 * measures it at a million leads).
 */
export const RETENTION_STEP = 500;
export const RETENTION_BATCH = 25;
export const RETENTION_BATCH_MS = 50;

export type RunSizes = {
  step: number;
  /** Leads in the first batch, and in every batch when `batchMs` is not set. */
  batch: number;
  /** The time a batch's transaction aims at: later batches hold 1 to 2 × `batch` leads. */
  batchMs?: number;
};

const DEFAULT_SIZES: RunSizes = {
  step: RETENTION_STEP,
  batch: RETENTION_BATCH,
  batchMs: RETENTION_BATCH_MS,
};

/** The next batch's size from the last one's: as many leads as fit the time at its pace. */
export function nextBatchSize(sizes: RunSizes, last: number, tookMs: number): number {
  if (sizes.batchMs === undefined) return sizes.batch;
  const fit = Math.floor((last * sizes.batchMs) / Math.max(tookMs, 1));
  return Math.min(Math.max(fit, 1), sizes.batch * 2);
}

export type RetentionTrigger = 'schedule' | 'manual' | 'cli';

export interface RetentionRunResult extends RetentionRunTotals {
  runId: number;
  dryRun: boolean;
  periodMonths: number;
  cutoffAt: number;
  /** The leads a legal hold kept (a real run; a dry run only counts them). */
  skipped: { id: number; reason: 'legalHold' }[];
}

/** Thrown when a run is asked for while this process is running one. */
export class RetentionRunBusy extends Error {
  constructor(readonly runId: number) {
    super(`retention run ${runId} is still running`);
  }
}

/** The run this process is working on: one at a time (the schedule, the page and the CLI). */
let active: { runId: number; done: Promise<RetentionRunResult> } | null = null;

/**
 * Start a retention run and return as soon as its row exists: `done` settles when it has
 * finished. The walk and the anonymisation go in short transactions with a turn of the event
 * loop between them (decision 046): at a million leads a run can have hundreds of thousands
 * of due leads, which in one transaction held the event loop for minutes. Each batch is
 * complete on its own (the leads, their entry in the access log, the run's counts), so a
 * run stopped half-way leaves only whole batches done, and the next run finishes the rest.
 */
export function startRetention(
  db: Db,
  {
    scope,
    dryRun,
    trigger,
    by,
    outboxDir,
    sizes = DEFAULT_SIZES,
  }: {
    scope: Scope;
    dryRun: boolean;
    trigger: RetentionTrigger;
    by: RunBy;
    /** Where the .eml copies are (none in a context without mail files). */
    outboxDir: string | undefined;
    /** Leads per step and per batch (tests make them small to cross their edges). */
    sizes?: RunSizes;
  },
  now = Date.now(),
): { runId: number; done: Promise<RetentionRunResult> } {
  if (active) throw new RetentionRunBusy(active.runId);
  const run = db.transaction((tx) =>
    startRetentionRun(
      tx,
      { dryRun, trigger, actorUserId: by.actor.kind === 'staff' ? by.actor.userId : null },
      now,
    ),
  );
  const done = work(db, { scope, dryRun, by, outboxDir, run, sizes }, now)
    .catch((error: unknown) => {
      // What committed stays (whole batches); the row says the run did not finish. A closed
      // database (shutdown) cannot say it: the next start marks the row.
      try {
        db.transaction((tx) => markInterruptedRetentionRuns(tx, run.runId));
      } catch {}
      throw error;
    })
    .finally(() => {
      active = null;
    });
  active = { runId: run.runId, done };
  return active;
}

/** A whole run, for the schedule and the CLI, which wait for it. */
export async function retentionRun(
  db: Db,
  options: Parameters<typeof startRetention>[1],
  now = Date.now(),
): Promise<RetentionRunResult> {
  return startRetention(db, options, now).done;
}

async function work(
  db: Db,
  {
    scope,
    dryRun,
    by,
    outboxDir,
    run,
    sizes,
  }: {
    scope: Scope;
    dryRun: boolean;
    by: RunBy;
    outboxDir: string | undefined;
    run: RetentionRunStart;
    sizes: RunSizes;
  },
  now: number,
): Promise<RetentionRunResult> {
  const log =
    (tx: Conn): AnonymisationLog =>
    (entry) =>
      logEntry(tx, by.request, by.actor, { ...entry, outcome: 'ok' });
  const counted = { due: 0, held: 0 };
  const skipped: RetentionRunResult['skipped'] = [];
  const outboxIds: number[] = [];
  let pending: number[] = [];
  let batchSize = sizes.batch;
  // Between batches a turn of the event loop, and now and then a wait for a checkpoint.
  const pause = walPacer(db);
  const anonymisePending = async () => {
    const ids = pending;
    pending = [];
    await pause();
    const started = performance.now();
    const batch = db.transaction((tx) =>
      anonymiseRetentionBatch(tx, { scope, run, ids, log: log(tx) }, now),
    );
    batchSize = nextBatchSize(sizes, ids.length, performance.now() - started);
    for (const id of batch.skippedLegalHold) skipped.push({ id, reason: 'legalHold' });
    outboxIds.push(...batch.outboxIds);
  };

  let after: RetentionCursor = null;
  do {
    await nextTurn();
    const step = retentionStep(db, { cutoffAt: run.cutoffAt, after, limit: sizes.step });
    after = step.next;
    for (const lead of step.due) {
      if (dryRun) {
        if (lead.legalHold) counted.held++;
        else counted.due++;
        continue;
      }
      // A held lead goes into its batch too: anonymiseLeadsIn skips it and the batch's entry
      // names it as kept by the hold, as a whole run's entry always has.
      pending.push(lead.id);
      if (pending.length >= batchSize) await anonymisePending();
    }
  } while (after !== null);
  if (pending.length > 0) await anonymisePending();

  await nextTurn();
  const totals = db.transaction((tx) =>
    finishRetentionRun(
      tx,
      {
        run,
        dryRun,
        counted,
        session: { idleMs: SESSION_IDLE_MS, absoluteMs: SESSION_ABSOLUTE_MS },
        log: log(tx),
      },
      now,
    ),
  );
  if (!dryRun && outboxDir !== undefined)
    await afterAnonymisation(db, outboxDir, [...outboxIds, ...totals.outboxIds]);
  return {
    runId: run.runId,
    dryRun,
    periodMonths: run.periodMonths,
    cutoffAt: run.cutoffAt,
    anonymised: totals.anonymised,
    skippedLegalHold: totals.skippedLegalHold,
    sessionsDeleted: totals.sessionsDeleted,
    outboxDeleted: totals.outboxDeleted,
    skipped,
  };
}
