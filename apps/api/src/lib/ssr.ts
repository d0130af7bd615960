import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';

/**
 * The server's first paint of `/leads` and `/leads/<id>` (decision 025). The web build writes
 * its render beside the app (apps/web/src/entry-server.tsx -> dist/server/entry-server.js);
 * this loads it once at start-up and runs it for a page whose data the shell already read.
 * Without that file (the dev server, most tests) every page is the plain shell, as before.
 */

/** What the web's render takes and gives (apps/web/src/entry-server.tsx). */
export type PageRenderInput = {
  url: string;
  boot: unknown;
  language: string | undefined;
  signal: AbortSignal;
};
export type RenderedPage = { html: string; language: string };
export type PageRenderer = (input: PageRenderInput) => Promise<RenderedPage | null>;

type ServerEntry = {
  createRenderer(scope: AsyncLocalStorage<string>): PageRenderer & { warm?: () => Promise<void> };
};

/**
 * Past this the page goes out as the plain shell: the browser draws it itself, as it did
 * before the server could. A warm render of a 50-row grid takes a few ms (decision 025).
 */
export const RENDER_TIME_LIMIT_MS = 100;

const isServerEntry = (value: unknown): value is ServerEntry =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { createRenderer?: unknown }).createRenderer === 'function';

/** The web's render, or null when the build has none or it cannot be loaded (logged). */
export async function loadPageRenderer(webDist: string, log: Logger): Promise<PageRenderer | null> {
  const file = join(webDist, 'server', 'entry-server.js');
  if (!existsSync(file)) return null;
  try {
    const entry: unknown = await import(pathToFileURL(file).href);
    if (!isServerEntry(entry)) {
      log.error(
        { file },
        'the server render has no createRenderer: pages are drawn by the browser',
      );
      return null;
    }
    // One scope for the process; each render runs in its own value of it.
    const render = entry.createRenderer(new AsyncLocalStorage<string>());
    // The first render loads the screens' code; done now, not in someone's page load.
    await render.warm?.();
    return render;
  } catch (err) {
    log.error(
      { err, file },
      'the server render could not be loaded: pages are drawn by the browser',
    );
    return null;
  }
}

/**
 * Renders a page within the time limit. Any failure, a refusal (null) or a slow render gives
 * null, and the caller sends the plain shell; a failure is logged, never shown.
 */
export async function renderFirstPaint(
  render: PageRenderer,
  input: Omit<PageRenderInput, 'signal'>,
  log: Logger,
  onTiming: (ms: number) => void = () => undefined,
): Promise<RenderedPage | null> {
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeLimit = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), RENDER_TIME_LIMIT_MS);
  });
  try {
    const result = await Promise.race([render({ ...input, signal: controller.signal }), timeLimit]);
    const ms = performance.now() - started;
    onTiming(ms);
    if (result === 'late') {
      controller.abort();
      log.warn({ url: input.url, ms }, 'the server render was too slow: the plain shell went out');
      return null;
    }
    return result;
  } catch (err) {
    log.error({ err, url: input.url }, 'the server render failed: the plain shell went out');
    return null;
  } finally {
    clearTimeout(timer);
  }
}
