/**
 * Where the server's CPU went, from a V8 `.cpuprofile` (node --cpu-prof):
 *
 *   pnpm --filter @mg/bench exec tsx intake/profile-summary.ts FILE.cpuprofile [--top 40]
 *
 * `bench/intake --profile DIR` writes one and prints this summary. Prints the functions with
 * the most self time, and the inclusive time of the stages of an intake request (a sample
 * counts for a stage when any frame of its stack is that stage's function), each as a share
 * of the busy (non-idle) samples, so that one profile shows what one request spends where.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  /** µs on the monotonic clock (CLOCK_MONOTONIC on Linux, as process.hrtime). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A stretch of time on the monotonic clock, µs (process.hrtime.bigint() / 1000). */
export interface Window {
  from: number;
  to: number;
}

/**
 * The stages of an intake request, by the functions that do them, or by the sources (`urls`:
 * a part of the frame's source path) for work that runs in callbacks of its own, with none of
 * our functions on its stack (nodemailer composing a message after processOutbox handed it
 * over). A sample counts once per stage.
 */
export const STAGES: { stage: string; functions: string[]; urls?: string[] }[] = [
  { stage: 'intake handler, whole (route to answer)', functions: ['intakeHandler'] },
  { stage: 'body read (readJson)', functions: ['readJson'] },
  { stage: 'group-commit batch, whole (flush)', functions: ['flush'] },
  { stage: '  submitIntake (one form, in its savepoint)', functions: ['submitIntake'] },
  { stage: '    zod parse (intakeInput)', functions: ['safeParse', '_safeParse'] },
  {
    stage: '    phone normalisation (libphonenumber)',
    functions: ['normalisePhone', 'parsePhoneNumber', 'parsePhoneNumberWithError'],
  },
  {
    stage: '    suppression check (HMAC + lookup)',
    functions: ['suppressedAmong', 'isSuppressed'],
  },
  { stage: '    lead + disclosure insert', functions: ['insertLead'] },
  { stage: '    consent events', functions: ['recordConsentOfNewLead', 'recordConsent'] },
  { stage: '    outbox rows', functions: ['insertOutbox'] },
  { stage: '    access-log entry', functions: ['appendAccessLog'] },
  { stage: '    unsubscribe token', functions: ['createUnsubscribeToken'] },
  { stage: '  full-text rows (per batch)', functions: ['indexLeadsForSearch'] },
  { stage: 'outbox worker (claim, send, record)', functions: ['processOutbox', 'send'] },
  {
    // The bench has no SMTP_URL: messages become .eml files (production sends by SMTP, which
    // composes the same way). Composing runs in nodemailer's own callbacks.
    stage: 'mail composing + .eml files (nodemailer)',
    functions: ['writeFile', 'sendMail'],
    urls: ['nodemailer/'],
  },
  { stage: 'tRPC (auth.me)', functions: ['fetchRequestHandler', 'resolveResponse'] },
  { stage: 'garbage collector', functions: ['(garbage collector)'] },
];

/** A source's place without the machine's folders. */
function shortUrl(url: string) {
  return url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/apps\//, 'apps/');
}

/**
 * `windows`: only samples taken inside them count (the bench passes the stretches in which
 * only intake load ran, so the figures are intake's alone).
 */
function summarise(
  file: string,
  top: number,
  windows?: readonly Window[],
  requests?: number,
  treeDepth = 0,
) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const inWindow = (t: number) => !windows || windows.some((w) => t >= w.from && t <= w.to);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  let totalUs = 0;
  let idleUs = 0;
  let at = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (!inWindow(at)) continue;
    totalUs += dt;
    const name = byId.get(id)?.callFrame.functionName;
    if (name === '(idle)') idleUs += dt;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }
  const busyUs = totalUs - idleUs;
  const pct = (us: number) => `${((100 * us) / Math.max(1, busyUs)).toFixed(1).padStart(5)} %`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  // Per request: wall time on the profiled thread, so on a loaded machine it includes the
  // moments the thread waited for a core; the shares are what to compare.
  const perRequest = (us: number) =>
    requests ? `${(us / requests).toFixed(0).padStart(6)} µs/req` : '';

  // Self time per function (same name and place merged).
  const selfByFn = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const where = f.url ? ` ${shortUrl(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where}`;
    selfByFn.set(key, (selfByFn.get(key) ?? 0) + us);
  }

  // Inclusive time per stage: once per sample whose stack holds one of its functions.
  const stageUs = new Map<string, number>();
  const stackCache = new Map<number, { names: Set<string>; urls: string[] }>();
  const onStack = (id: number) => {
    const hit = stackCache.get(id);
    if (hit) return hit;
    const names = new Set<string>();
    const urls: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (frame?.functionName) names.add(frame.functionName);
      if (frame?.url) urls.push(frame.url);
    }
    const found = { names, urls };
    stackCache.set(id, found);
    return found;
  };
  for (const [id, us] of selfUs) {
    const { names, urls } = onStack(id);
    for (const { stage, functions, urls: sources } of STAGES)
      if (
        functions.some((f) => names.has(f)) ||
        (sources ?? []).some((part) => urls.some((url) => url.includes(part)))
      )
        stageUs.set(stage, (stageUs.get(stage) ?? 0) + us);
  }

  console.log(`profile ${file}${windows ? ` (${windows.length} intake-only stretches)` : ''}`);
  console.log(
    `busy ${ms(busyUs)} of ${ms(totalUs)} sampled (idle ${ms(idleUs)})${requests ? `, ${requests} requests: ${perRequest(busyUs).trim()}` : ''}`,
  );
  console.log('');
  console.log('stage (inclusive)'.padEnd(48) + 'time'.padStart(10) + 'share'.padStart(9));
  for (const { stage } of STAGES) {
    const us = stageUs.get(stage) ?? 0;
    console.log(`${stage.padEnd(48)}${ms(us)}  ${pct(us)}  ${perRequest(us)}`);
  }
  if (treeDepth > 0) {
    // Top-down: inclusive time per call path, paths under 1 % of the busy time left out.
    const inclusive = new Map<number, number>();
    for (const [id, us] of selfUs)
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
        inclusive.set(cur, (inclusive.get(cur) ?? 0) + us);
    console.log('');
    console.log(`call tree (inclusive, >= 1 %, depth ${treeDepth})`);
    const walk = (id: number, depth: number) => {
      const node = byId.get(id);
      if (!node || depth > treeDepth) return;
      const us = inclusive.get(id) ?? 0;
      if (us < busyUs / 100) return;
      const f = node.callFrame;
      console.log(
        `${ms(us)}  ${pct(us)}  ${'  '.repeat(depth)}${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`,
      );
      for (const c of node.children ?? []) walk(c, depth + 1);
    };
    const root = profile.nodes.find((n) => !parent.has(n.id));
    if (root) walk(root.id, 0);
  }

  console.log('');
  console.log(`top ${top} functions by self time`);
  const rows = [...selfByFn.entries()]
    .filter(([name]) => !name.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  for (const [name, us] of rows) console.log(`${ms(us)}  ${pct(us)}  ${name.slice(0, 110)}`);
}

const isMain = process.argv[1]?.endsWith('profile-summary.ts');
if (isMain) {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '40' },
      tree: { type: 'string', default: '0' },
      // The `.intake.json` the bench writes beside a profile: only intake's stretches count.
      windows: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file) {
    console.error('usage: profile-summary.ts FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  const cut = values.windows
    ? (JSON.parse(readFileSync(values.windows, 'utf8')) as { windows: Window[]; requests: number })
    : undefined;
  summarise(
    file,
    Math.max(1, Number(values.top)),
    cut?.windows,
    cut?.requests,
    Math.max(0, Number(values.tree)),
  );
}

export { summarise };
