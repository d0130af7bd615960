/**
 * The server's drawing of a page (decision 029), timed on its own: CPU per render, warm.
 *
 *   pnpm --filter @mg/bench run web:render [-- --renders 60]
 *
 * Loads the built render (apps/web/dist/server/entry-server.js) in this process, warms it as
 * the API's worker does, then draws the warm-up's made-up grid page (50 rows) and lead page
 * `--renders` times each, in Norwegian, and prints per page: CPU time per render (this
 * process's user + system time: nothing else runs in it, so a busy machine stretches the
 * wall-clock time but hardly this), wall-clock time, the HTML's bytes (raw and gzip) and its
 * element count (what chromium parses, styles and lays out before the first paint).
 * Unbudgeted: the figure to compare builds by.
 *
 * Also the main thread's CPU (schedstat, ns): process CPU counts the GC's helper threads too.
 * To compare builds in one process (decision 052), copy a build's dist/server aside and name
 * each with `--entry DIR` (repeatable): they are warmed, then drawn in alternating rounds
 * (`--rounds`, each of `--renders` per page), so the machine's load falls on all alike.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { mainThreadCpuMs } from '../leads/thread-time';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    renders: { type: 'string', default: '60' },
    rounds: { type: 'string', default: '1' },
    entry: { type: 'string', multiple: true },
  },
});
const RENDERS = Number(args.renders);
const ROUNDS = Number(args.rounds);

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRIES = (args.entry ?? [join(ROOT, 'apps/web/dist/server')]).map((dir) =>
  join(dir, 'entry-server.js'),
);

type Render = ((input: {
  url: string;
  boot: unknown;
  language: string | undefined;
  signal: AbortSignal;
}) => Promise<{ html: string } | null>) & { warm(): Promise<void> };
type Entry = {
  createRenderer(scope: AsyncLocalStorage<string>): Render;
  warmPages(): [string, unknown][];
};

const mean = (values: number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

type Loaded = {
  name: string;
  entry: Entry;
  render: Render;
  pages: Map<string, { cpu: number[]; thread: number[]; wall: number[]; html: string }>;
};

async function main() {
  const missing = ENTRIES.find((entry) => !existsSync(entry));
  if (missing) {
    console.error(
      `No build at ${missing}. Build first: pnpm exec turbo run build --filter=@mg/web`,
    );
    process.exit(2);
  }
  const loaded: Loaded[] = [];
  for (const path of ENTRIES) {
    const entry = (await import(pathToFileURL(path).href)) as Entry;
    const render = entry.createRenderer(new AsyncLocalStorage<string>());
    await render.warm();
    loaded.push({ name: dirname(path), entry, render, pages: new Map() });
  }
  console.log(
    `Server render, warm, ${RENDERS} renders per page (nb)${ROUNDS > 1 ? ` x ${ROUNDS} rounds` : ''}; load ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
  for (let round = 0; round < ROUNDS; round++)
    // Alternating order, so neither build always runs first in a round.
    for (const one of round % 2 ? [...loaded].reverse() : loaded)
      for (const [url, boot] of one.entry.warmPages()) {
        let page = one.pages.get(url);
        if (!page) {
          page = { cpu: [], thread: [], wall: [], html: '' };
          one.pages.set(url, page);
        }
        for (let i = 0; i < RENDERS; i++) {
          const signal = AbortSignal.timeout(30_000);
          const started = performance.now();
          const before = process.cpuUsage();
          const threadBefore = mainThreadCpuMs();
          const result = await one.render({ url, boot, language: 'nb', signal });
          const thread = mainThreadCpuMs() - threadBefore;
          const used = process.cpuUsage(before);
          page.wall.push(performance.now() - started);
          page.cpu.push((used.user + used.system) / 1000);
          page.thread.push(thread);
          page.html = result?.html ?? '';
        }
      }
  for (const one of loaded) {
    if (loaded.length > 1) console.log(one.name);
    for (const [url, { cpu, thread, wall, html }] of one.pages) {
      const elements = html.match(/<[a-zA-Z]/g)?.length ?? 0;
      // The first render after the warm-up is what the first visitor's page pays.
      console.log(
        `  ${url.padEnd(10)} CPU first ${(cpu[0] ?? Number.NaN).toFixed(1)} ms, median ${median(cpu).toFixed(1)} ms, mean ${mean(cpu).toFixed(1)} ms; main thread median ${median(thread).toFixed(1)} / mean ${mean(thread).toFixed(1)} ms; wall median ${median(wall).toFixed(1)} ms; HTML ${(html.length / 1024).toFixed(1)} KB (gzip ${(gzipSync(html).length / 1024).toFixed(1)}), ${elements} elements`,
      );
    }
  }
  console.log(
    `load ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
}

await main();
