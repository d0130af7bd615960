import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/**
 * The server's first paint of `/leads` and `/leads/<id>` (decision 029). The web build writes
 * its render beside the app (apps/web/src/entry-server.tsx -> dist/server/entry-server.js);
 * this runs it in a worker thread for a page whose data the shell already read. Without that
 * file (the dev server, most tests) every page is the plain shell, as before.
 *
 * A worker thread, because a render is tens of milliseconds of synchronous work (React and
 * Mantine): on the request thread it would hold up every API answer behind it (the grid's
 * 15 ms budget), and no time limit could cut it short. In the worker a late render is simply
 * not waited for.
 */

/** What the web's render takes and gives (apps/web/src/entry-server.tsx). */
export type PageRenderInput = { url: string; boot: unknown; language: string | undefined };
export type RenderedPage = {
  html: string;
  language: string;
  /**
   * Milliseconds the worker spent on this page, from taking it up to its answer (wall-clock in
   * the worker): beside the caller's own wall-clock it tells the drawing from the wait for the
   * worker (its queue, the message passing). Timing only, for the debug log (decision 045).
   */
  workerMs?: number;
};
export type PageRenderer = (
  input: PageRenderInput,
  signal: AbortSignal,
) => Promise<RenderedPage | null>;

/**
 * The worker: loads the web's entry (an ES module; import() from an eval'd worker), warms it
 * up, then answers `{ id, input }` with `{ id, result }` or `{ id, error }` (the message only:
 * logged here, never shown), and `{ cancel: id }` aborts that render.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { AsyncLocalStorage } = require('node:async_hooks');
const running = new Map();
import(workerData.entry).then(
  async (entry) => {
    const render = entry.createRenderer(new AsyncLocalStorage());
    if (typeof render.warm === 'function') await render.warm();
    parentPort.on('message', async (message) => {
      if (message.cancel !== undefined) return running.get(message.cancel)?.abort();
      const controller = new AbortController();
      running.set(message.id, controller);
      const started = performance.now();
      try {
        const result = await render({ ...message.input, signal: controller.signal });
        const workerMs = performance.now() - started;
        parentPort.postMessage({ id: message.id, result: result && { ...result, workerMs } });
      } catch (err) {
        parentPort.postMessage({ id: message.id, error: String((err && err.stack) || err) });
      } finally {
        running.delete(message.id);
      }
    });
    parentPort.postMessage({ ready: true });
  },
  (err) => parentPort.postMessage({ failed: String((err && err.stack) || err) }),
);
`;

type WorkerAnswer =
  | { ready: true }
  | { failed: string }
  | { id: number; result: RenderedPage | null }
  | { id: number; error: string };

const serverEntry = (webDist: string) => join(webDist, 'server', 'entry-server.js');

/** Whether the build holds a server render at all (the dev server and most tests: no). */
export function hasServerRender(webDist: string): boolean {
  return existsSync(serverEntry(webDist));
}

/**
 * The web's render in a worker thread, or null when the build has none or it cannot start
 * (logged). Resolves once the worker has loaded and warmed the render.
 */
export function loadPageRenderer(webDist: string, log: Logger): Promise<PageRenderer | null> {
  const file = serverEntry(webDist);
  if (!existsSync(file)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { entry: pathToFileURL(file).href },
    });
    // The server's render must not keep the process alive on its own (tests, shutdown).
    worker.unref();
    const waiting = new Map<number, (answer: RenderedPage | null | Error) => void>();
    let nextId = 0;
    let alive = true;
    const render: PageRenderer = (input, signal) =>
      new Promise((settle, reject) => {
        if (!alive) return settle(null);
        const id = nextId++;
        const onAbort = () => {
          waiting.delete(id);
          worker.postMessage({ cancel: id });
          settle(null);
        };
        waiting.set(id, (answer) => {
          signal.removeEventListener('abort', onAbort);
          if (answer instanceof Error) reject(answer);
          else settle(answer);
        });
        signal.addEventListener('abort', onAbort, { once: true });
        worker.postMessage({ id, input });
      });
    worker.on('message', (answer: WorkerAnswer) => {
      if ('ready' in answer) return resolve(render);
      if ('failed' in answer) {
        log.error({ err: answer.failed, file }, 'the server render could not start');
        alive = false;
        void worker.terminate();
        return resolve(null);
      }
      const settle = waiting.get(answer.id);
      waiting.delete(answer.id);
      settle?.('error' in answer ? new Error(answer.error) : answer.result);
    });
    worker.on('error', (err) => {
      // A crash of the worker: every page from now on is the plain shell.
      log.error({ err }, 'the server render stopped: pages are drawn by the browser');
      alive = false;
      for (const settle of waiting.values()) settle(null);
      waiting.clear();
      resolve(null);
    });
  });
}

/**
 * Renders a page within `timeLimitMs` (env SSR_TIME_LIMIT_MS): past it the page goes out as
 * the plain shell and the browser draws it, as before the server could, so the drawing never
 * holds a page up for long. The wait for a renderer still loading and warming up (the first
 * seconds after start) counts against the limit too. A failure, a refusal (null) or a late
 * render gives null; a failure is logged, never shown.
 */
export async function renderFirstPaint(
  renderer: PageRenderer | null | Promise<PageRenderer | null>,
  input: PageRenderInput,
  { timeLimitMs, log }: { timeLimitMs: number; log: Logger },
  onTiming: (ms: number) => void = () => undefined,
): Promise<RenderedPage | null> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeLimitMs);
  try {
    const render = await Promise.race([
      renderer,
      new Promise<null>((settle) =>
        signal.addEventListener('abort', () => settle(null), { once: true }),
      ),
    ]);
    if (!render) return null;
    const result = await render(input, signal);
    const ms = performance.now() - started;
    onTiming(ms);
    if (signal.aborted && result === null)
      log.warn({ url: input.url, ms }, 'the server render was too slow: the plain shell went out');
    return result;
  } catch (err) {
    log.error({ err, url: input.url }, 'the server render failed: the plain shell went out');
    return null;
  }
}
