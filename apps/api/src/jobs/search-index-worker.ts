/**
 * Worker thread: the nightly merge of the full-text index (@mg/db mergeSearchIndex) on its own
 * connection. FTS5 writes a term's whole doclist in one merge step: at 1M leads the steps that
 * reach the scope tokens and the 2-letter prefixes took 3.2–4.7 s, which on the thread that
 * answers requests held every request that long (decision 058). Here they hold only this
 * thread and the write lock.
 *
 * With `gated`, each step waits for the parent's 'go' (its write gate: no request under way,
 * decision 059) after saying it is ready, and says when it has stepped. A 'stop' message ends
 * the run after its current step; a step still waiting for 'go' is then skipped.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { mergeSearchIndex, openDatabase, searchIndexSegments } from '@mg/db';

const { file, gated } = workerData as { file: string; gated?: boolean };
const stopping = new AbortController();
let go: (() => void) | null = null;
parentPort?.on('message', (message: unknown) => {
  if (message === 'stop') stopping.abort();
  if (message === 'go' || message === 'stop') go?.();
});

/** One step when the parent lets it; 'stepped' always follows, so the parent's gate opens. */
const whenLetIn = (merge: () => void) =>
  new Promise<void>((done, fail) => {
    go = () => {
      go = null;
      let failed: { error: unknown } | null = null;
      try {
        if (!stopping.signal.aborted) merge();
      } catch (error) {
        failed = { error };
      }
      parentPort?.postMessage({ stepped: true });
      if (failed) fail(failed.error);
      else done();
    };
    parentPort?.postMessage({ ready: true });
  });

const handle = openDatabase(file);
mergeSearchIndex(handle.db, { signal: stopping.signal, ...(gated ? { step: whenLetIn } : {}) })
  .then(
    (merged) =>
      parentPort?.postMessage({
        result: { ...merged, segments: searchIndexSegments(handle.db), threadId },
      }),
    (error: unknown) =>
      parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  )
  .finally(() => {
    handle.close();
    parentPort?.close();
  });
