import { type Db, mergeSearchIndex, type SearchIndexMerge, searchIndexSegments } from '@mg/db';
import { Cron } from 'croner';
import type { Logger } from '../lib/logger';
import { databaseFile, startWorkerBeside } from '../lib/worker-thread';
import type { WriteGate } from '../lib/write-gate';

export type MergeRun = SearchIndexMerge & { segments: number; threadId: number };

/** A step that has not said it is done by then opens the gate anyway (a safety valve). */
const STEP_LIMIT_MS = 60_000;

/**
 * One merge of the full-text index: in a worker thread on its own connection (a step can
 * take seconds at 1M, decision 058), or on this thread for an in-memory database, which no
 * worker can open (tests). With a `gate`, each step runs only while no request is under way
 * and requests wait for it asynchronously (decision 059): otherwise most writes made during
 * the merge fail with SQLITE_BUSY (see lib/write-gate.ts). `signal` stops it after the
 * current step, as does a gate that found no quiet moment (logged).
 */
export function mergeSearchIndexOffThread(
  db: Db,
  { signal, gate, log }: { signal?: AbortSignal; gate?: WriteGate; log?: Logger } = {},
): Promise<MergeRun> {
  const file = databaseFile(db);
  if (!file)
    return mergeSearchIndex(db, { signal }).then((merged) => ({
      ...merged,
      segments: searchIndexSegments(db),
      threadId: 0,
    }));
  return new Promise((settle, reject) => {
    const worker = startWorkerBeside(import.meta.url, 'search-index-worker', {
      file,
      gated: gate !== undefined,
    });
    const stop = () => worker.postMessage('stop');
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    let stepped: (() => void) | null = null;
    const stepDone = () => {
      stepped?.();
      stepped = null;
    };
    const letStep = () =>
      new Promise<void>((done) => {
        const limit = setTimeout(() => {
          log?.warn({ limitMs: STEP_LIMIT_MS }, 'search index merge step still running');
          stepDone();
        }, STEP_LIMIT_MS);
        stepped = () => {
          clearTimeout(limit);
          done();
        };
        worker.postMessage('go');
      });
    worker.on(
      'message',
      (answer: { ready?: true; stepped?: true; result?: MergeRun; error?: string }) => {
        if (answer.ready && gate)
          // A stop while the gate is waiting rejects here, as does a gate that gave up; the
          // worker then skips the step and ends the run.
          gate.exclusive(letStep, signal).catch((error: unknown) => {
            if (!signal?.aborted) log?.warn({ err: error }, 'search index merge stopped early');
            stop();
          });
        else if (answer.stepped) stepDone();
        else if (answer.result || answer.error) {
          signal?.removeEventListener('abort', stop);
          if (answer.result) settle(answer.result);
          else reject(new Error(answer.error ?? 'the search index worker gave no answer'));
        }
      },
    );
    worker.once('error', reject);
    // After an answer the promise is settled already; this only ends a worker that died (and
    // opens the gate, should it have died inside a step).
    worker.once('exit', (code) => {
      stepDone();
      reject(new Error(`the search index worker stopped (${code})`));
    });
  });
}

/**
 * The nightly merge of the full-text index into one b-tree (Europe/Oslo; decisions 057 and
 * 058): a day's intake leaves a segment per batch, and each segment is one more lookup for
 * every term a search asks for. In steps, in a worker whose connection checkpoints the WAL
 * itself (every 10,000 pages); with `gate`, a step runs only while no request is under way,
 * and requests that come meanwhile wait for it without stopping the event loop (decision
 * 059). `protect` keeps two runs from overlapping.
 */
export function scheduleSearchIndexMerge(deps: {
  db: Db;
  pattern: string;
  log: Logger;
  gate?: WriteGate;
}) {
  const stopping = new AbortController();
  const job = new Cron(deps.pattern, { protect: true, timezone: 'Europe/Oslo' }, async () => {
    try {
      const merged = await mergeSearchIndexOffThread(deps.db, {
        signal: stopping.signal,
        gate: deps.gate,
        log: deps.log,
      });
      deps.log.info(
        {
          steps: merged.steps,
          ms: Math.round(merged.ms),
          longestStepMs: Math.round(merged.longestStepMs),
          segments: merged.segments,
        },
        'search index merged',
      );
    } catch (error) {
      deps.log.error({ err: error }, 'search index merge failed');
    }
  });
  return {
    /** No more runs, and a run under way stops after its current step (shutdown). */
    stop() {
      job.stop();
      stopping.abort();
    },
  };
}
