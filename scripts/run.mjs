#!/usr/bin/env node
// The two commands a newcomer needs, with nothing but Node.js and npm installed:
//   npm start  -> install, build, migrate, seed demo data on first run, serve on PORT
//   npm test   -> install (chromium too), typecheck, lint, unit + integration, e2e
// pnpm is pinned and brought in locally (.tools/), so no global install is needed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '12.4.2';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const pnpmBin = join(tools, 'node_modules', '.bin', 'pnpm');
const command = process.argv[2] ?? 'start';

// turbo runs package scripts through pnpm, so the pinned one must be first on PATH.
const env = {
  // `npm start` / `npm run dev` are the demo: demo data unless told otherwise (the server's
  // own default is off, and production refuses it).
  ...(process.env.NODE_ENV === 'production' ? {} : { DEMO_DATA: 'true' }),
  ...process.env,
  PATH: `${join(tools, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
  TURBO_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
};

function step(title) {
  console.log(`\n\u25b6 ${title}`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.status !== 0) {
    console.error(
      `\n\u2716 ${[cmd, ...args].join(' ')} failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(result.status ?? 1);
  }
}

function pnpm(...args) {
  run(pnpmBin, args);
}

function ensurePnpm() {
  const ok =
    existsSync(pnpmBin) &&
    spawnSync(pnpmBin, ['--version'], { encoding: 'utf8' }).stdout?.trim() === PNPM_VERSION;
  if (ok) return;
  step(`Installing pnpm ${PNPM_VERSION} into .tools/`);
  run('npm', [
    'install',
    '--prefix',
    tools,
    '--no-save',
    '--no-audit',
    '--no-fund',
    `pnpm@${PNPM_VERSION}`,
  ]);
}

/** better-sqlite3 compiles from source; node-gyp must use the local Node headers, not download them. */
function ensureNodeHeaders() {
  if (env.npm_config_nodedir) return;
  let nodedir = '';
  try {
    nodedir = execFileSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).trim();
  } catch {}
  if (!nodedir || nodedir === 'undefined') {
    const guess = resolve(dirname(process.execPath), '..');
    if (existsSync(join(guess, 'include', 'node', 'node.h'))) nodedir = guess;
  }
  if (nodedir && nodedir !== 'undefined') env.npm_config_nodedir = nodedir;
}

function install() {
  ensurePnpm();
  ensureNodeHeaders();
  step('Installing dependencies');
  pnpm('install', '--frozen-lockfile');
}

/** Debian's chromium for Playwright: browsers cannot be downloaded here. */
function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  step('Installing Debian chromium for the e2e tests');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (...args) =>
    run(sudo[0] ?? 'apt-get', sudo.length ? ['apt-get', ...args] : args, {
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  apt('update', '-qq');
  apt('install', '-y', '-qq', 'chromium');
}

function build() {
  step('Building web app and API');
  pnpm('exec', 'turbo', 'run', 'build', '--filter=@mg/api', '--filter=@mg/web');
}

switch (command) {
  case 'start': {
    install();
    build();
    step('Starting MG Leads');
    const child = spawn(process.execPath, ['--enable-source-maps', 'apps/api/dist/main.js'], {
      cwd: root,
      stdio: 'inherit',
      env,
    });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    child.on('exit', (code) => process.exit(code ?? 0));
    break;
  }
  case 'test': {
    const started = Date.now();
    install();
    ensureChromium();
    step('Lint (Biome)');
    pnpm('exec', 'biome', 'ci', '.');
    step('Typecheck and unit + integration tests');
    pnpm('exec', 'turbo', 'run', 'typecheck', 'test', '--concurrency=2');
    build();
    step('End-to-end tests (Playwright, chromium)');
    pnpm('--filter', '@mg/e2e', 'run', 'e2e');
    console.log(`\n\u2714 All checks passed in ${Math.round((Date.now() - started) / 1000)} s`);
    break;
  }
  case 'dev': {
    install();
    pnpm('exec', 'turbo', 'run', 'dev', '--filter=@mg/api', '--filter=@mg/web');
    break;
  }
  default:
    console.error('usage: node scripts/run.mjs start|test|dev');
    process.exit(2);
}
