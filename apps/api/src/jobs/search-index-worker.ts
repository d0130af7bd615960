/**
 * Worker thread: the nightly merge of the full-text index (@mg/db mergeSearchIndex) on its own
 * connection. FTS5 writes a term's whole doclist in one merge step: at 1M leads the steps that
 * reach the scope tokens and the 2-letter prefixes took 3.2–4.7 s, which on the thread that
 * answers requests held every request that long (decision 058). Here they hold only this
 * thread and the write lock. A 'stop' message ends the run after its current step.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { mergeSearchIndex, openDatabase, searchIndexSegments } from '@mg/db';

const { file } = workerData as { file: string };
const stopping = new AbortController();
parentPort?.on('message', (message: unknown) => {
  if (message === 'stop') stopping.abort();
});
const handle = openDatabase(file);
mergeSearchIndex(handle.db, { signal: stopping.signal })
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
