import type { ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { prerender } from 'react-dom/static';

/**
 * A Suspense boundary `renderToString` could not finish: pending (`<!--$?-->`) or left to the
 * client (`<!--$!-->`, which is also what an error inside a boundary gives).
 */
const UNSETTLED = /<!--\$[?!]-->/;

/**
 * The prelude as text: its chunks read directly and decoded once. `new Response(stream).text()`
 * went through undici's body machinery (~5 % of a render, decision 045).
 */
async function readStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.byteLength;
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The HTML of `element` with every Suspense boundary resolved (the server's drawing, decision
 * 052). First `renderToString`: synchronous, to a string, no stream, no TextEncoder per chunk
 * — the server's page has its code loaded and its data in the cache, so nothing should
 * suspend. If anything did (or failed inside a boundary), its output holds a boundary the
 * browser would have to draw, so the page is drawn again with `prerender`, which waits for it
 * and reports an error as one (decision 029). `run` wraps each drawing (the page's language).
 *
 * A synchronous drawing cannot be cut short: `signal` is checked before it, and a drawing past
 * the API's limit is dropped by the API (apps/api/src/lib/ssr.ts) when it ends; its length is
 * bounded by the page (one grid page, one lead).
 */
export async function renderSettled(
  element: ReactElement,
  signal: AbortSignal,
  run: <R>(draw: () => R) => R = (draw) => draw(),
): Promise<string> {
  signal.throwIfAborted();
  const html = run(() => renderToString(element));
  if (!UNSETTLED.test(html)) return html;
  signal.throwIfAborted();
  const failures: unknown[] = [];
  const { prelude } = await run(() =>
    prerender(element, {
      signal,
      onError: (error) => {
        failures.push(error);
      },
    }),
  );
  const settled = await readStream(prelude);
  if (failures.length > 0) throw failures[0];
  return settled;
}
