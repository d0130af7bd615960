/**
 * The API for `run.ts` in a thread of its own (decision 043): its own event loop and V8 heap,
 * so the longest event-loop block and the longest GC pause it reports are the server's, never
 * the bench client's (the client parses every answer and keeps every figure; before, both ran
 * on one loop and one heap, and a block in the table could be either). As main.ts runs it: the
 * WAL checkpointer on its own thread, the read workers started by the app on first use.
 *
 * Messages from run.ts: `reset` (start a measure: the block and GC maxima back to zero),
 * `stats` (the maxima since the reset), `close`. Each is answered with the same `seq`.
 */
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { openDatabase, startWalCheckpointer } from '@mg/db';
import { loadEnv } from '../../apps/api/src/env';
import { closeReadWorkers } from '../../apps/api/src/jobs/read-workers';
import { createLogger } from '../../apps/api/src/lib/logger';
import { createApp } from '../../apps/api/src/server';
import { gcWatch } from './gc-watch';

const { file, envVars } = workerData as { file: string; envVars: Record<string, string> };
const port = parentPort;
if (!port) throw new Error('server-thread.ts runs as a worker thread');

const handle = openDatabase(file);
const checkpointer = startWalCheckpointer(handle);
const env = loadEnv(envVars);
const app = createApp({ db: handle.db, env, log: createLogger('silent') });
// The event loop's delay, sampled every 5 ms, in this thread only: its max is the longest
// block a request caused (issue 10).
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const gc = gcWatch(PerformanceObserver);

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
server.once('listening', () => {
  port.postMessage({ seq: 0, port: (server.address() as AddressInfo).port });
});

port.on('message', async ({ seq, type }: { seq: number; type: 'reset' | 'stats' | 'close' }) => {
  if (type === 'reset') {
    loopDelay.reset();
    gc.reset();
    port.postMessage({ seq });
  } else if (type === 'stats') {
    port.postMessage({ seq, block: loopDelay.max / 1e6, gc: gc.longest() });
  } else {
    await new Promise<void>((ok) => server.close(() => ok()));
    await closeReadWorkers();
    await checkpointer?.stop();
    handle.close();
    loopDelay.disable();
    gc.stop();
    port.postMessage({ seq });
    port.close();
  }
});
