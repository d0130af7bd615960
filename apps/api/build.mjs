// Bundle the API (with the workspace packages inlined) into dist/, leaving npm packages
// external; copy the files the db package reads at run time next to the bundle.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const deps = (file) => Object.keys(JSON.parse(readFileSync(file, 'utf8')).dependencies ?? {});
// Only the API's own dependencies resolve from apps/api/node_modules under pnpm; whatever
// the workspace packages use beyond those is bundled.
const external = deps('package.json').filter((name) => !name.startsWith('@mg/'));

// `node build.mjs <dir>` builds elsewhere (the bundle test does, into a temp dir).
const outdir = process.argv[2] ?? 'dist';
rmSync(outdir, { recursive: true, force: true });
await build({
  // The access-log check's worker thread is its own entry, beside the bundle that starts it.
  entryPoints: {
    main: 'src/main.ts',
    cli: 'src/cli-entry.ts',
    'audit-verify-worker': 'src/jobs/audit-verify-worker.ts',
    // The slow admin reads' worker threads (decision 022).
    'read-worker': 'src/jobs/read-worker.ts',
    // The outbox's mail composing and sending (decision 049).
    'mail-worker': 'src/jobs/mail-worker.ts',
    // The daily backup's copy (decision 054).
    'backup-worker': 'src/jobs/backup-worker.ts',
    // The nightly merge of the full-text index (decision 058).
    'search-index-worker': 'src/jobs/search-index-worker.ts',
  },
  outdir,
  bundle: true,
  // Dynamic imports become chunks of their own: the demo seed (and faker) loads only when
  // an empty database is seeded, and is not part of main.js.
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: [...external, ...external.map((name) => `${name}/*`)],
  logLevel: 'warning',
});
cpSync('../../packages/db/drizzle', `${outdir}/drizzle`, { recursive: true });
cpSync('../../packages/db/seed-data', `${outdir}/seed-data`, { recursive: true });
