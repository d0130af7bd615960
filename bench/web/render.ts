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
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { renders: { type: 'string', default: '60' } },
});
const RENDERS = Number(args.renders);

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = join(ROOT, 'apps/web/dist/server/entry-server.js');

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main() {
  if (!existsSync(ENTRY)) {
    console.error('Build first: pnpm exec turbo run build --filter=@mg/web');
    process.exit(2);
  }
  const entry = (await import(pathToFileURL(ENTRY).href)) as Entry;
  const render = entry.createRenderer(new AsyncLocalStorage<string>());
  await render.warm();
  console.log(`Server render, warm, ${RENDERS} renders per page (nb)`);
  for (const [url, boot] of entry.warmPages()) {
    const cpu: number[] = [];
    const wall: number[] = [];
    let html = '';
    for (let i = 0; i < RENDERS; i++) {
      const signal = AbortSignal.timeout(30_000);
      const started = performance.now();
      const before = process.cpuUsage();
      const result = await render({ url, boot, language: 'nb', signal });
      const used = process.cpuUsage(before);
      wall.push(performance.now() - started);
      cpu.push((used.user + used.system) / 1000);
      html = result?.html ?? '';
    }
    const elements = html.match(/<[a-zA-Z]/g)?.length ?? 0;
    // The first render after the warm-up is what the first visitor's page pays.
    console.log(
      `  ${url.padEnd(10)} CPU first ${(cpu[0] ?? Number.NaN).toFixed(1)} ms, median ${median(cpu).toFixed(1)} ms, mean ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1)} ms; wall median ${median(wall).toFixed(1)} ms; HTML ${(html.length / 1024).toFixed(1)} KB (gzip ${(gzipSync(html).length / 1024).toFixed(1)}), ${elements} elements`,
    );
  }
}

await main();
