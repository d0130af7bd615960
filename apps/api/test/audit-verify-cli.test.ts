import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendAccessLog } from '@mg/db';
import { createTestDatabase } from '@mg/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
let out = '';

/** A bundle file and every chunk it imports, statically or (with `dynamic`) by import(). */
function closure(file: string, dynamic: boolean, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(out, file), 'utf8');
  for (const m of code.matchAll(/^import\s*(?:[^;]*?from\s*)?"\.\/([^"]+)"/gm))
    if (m[1]) closure(m[1], dynamic, seen);
  if (dynamic)
    for (const m of code.matchAll(/import\("\.\/([^"]+)"\)/g))
      if (m[1]) closure(m[1], dynamic, seen);
  return seen;
}
const loadsDrizzle = (file: string) =>
  readFileSync(join(out, file), 'utf8').includes('drizzle-orm');
// zod stays external (an npm package): a chunk that loads it imports "zod".
const loadsZod = (file: string) => readFileSync(join(out, file), 'utf8').includes('from "zod"');

function cli(
  file: string,
  anchorsFile: string,
  key = 'test-anchor-key-'.repeat(4),
): { code: number; out: string } {
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_PATH: file,
    AUDIT_ANCHOR_KEY: key,
    AUDIT_ANCHORS_FILE: anchorsFile,
  };
  try {
    const stdout = execFileSync(process.execPath, [join(out, 'cli.js'), 'verify-audit'], {
      env,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

function log(n: number) {
  const handle = createTestDatabase();
  for (let i = 1; i <= n; i++)
    appendAccessLog(handle.db, {
      action: 'lead.byId',
      outcome: 'ok',
      targetType: 'lead',
      targetIds: [i, i + 100],
    });
  handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  return handle;
}

describe('cli.js verify-audit (the production bundle)', () => {
  beforeAll(() => {
    // Under apps/api/node_modules (ignored by git and the linter), so the bundle's packages
    // resolve from there as they do from dist/.
    out = mkdtempSync(join(apiDir, 'node_modules', '.verify-cli-test-'));
    execFileSync(process.execPath, ['build.mjs', out], { cwd: apiDir, stdio: 'pipe' });
  }, 120_000);
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('loads no drizzle in the worker thread, nor drizzle or zod on its way to a migrated database', () => {
    expect([...closure('audit-verify-worker.js', true)].filter(loadsDrizzle)).toEqual([]);
    // What cli.js imports for verify-audit: the early threads, the four settings, the check.
    const entry = readFileSync(join(out, 'cli.js'), 'utf8');
    const verifyChunks = [
      ...entry.matchAll(/import\("\.\/((?:cli-verify|env-audit|audit-verify-pool)[^"]+)"\)/g),
    ].map((m) => m[1] ?? '');
    expect(verifyChunks).toHaveLength(3);
    const lean = new Set([
      ...closure('cli.js', false),
      ...verifyChunks.flatMap((chunk) => [...closure(chunk, false)]),
    ]);
    expect([...lean].filter(loadsDrizzle)).toEqual([]);
    expect([...lean].filter(loadsZod)).toEqual([]);
    // The rest of the CLI does load both (so the checks above are not vacuous).
    expect([...closure('cli.js', true)].some(loadsDrizzle)).toBe(true);
    expect([...closure('cli.js', true)].some(loadsZod)).toBe(true);
  });

  it('refuses a bad setting with its name, exit 2, and no stack trace', () => {
    const handle = log(2);
    const file = handle.sqlite.name;
    handle.close();
    const refused = cli(file, `${file}.anchors.jsonl`, 'too short');
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('AUDIT_ANCHOR_KEY');
    expect(refused.out).not.toMatch(/\n\s+at /);
  });

  it('checks a migrated database read-only: OK, then the first broken entry, exit 1', () => {
    const handle = log(12);
    const file = handle.sqlite.name;
    handle.close();
    const before = readFileSync(file);
    const ok = cli(file, `${file}.anchors.jsonl`);
    expect(ok).toEqual({
      code: 0,
      out: expect.stringMatching(/^access log OK: 12 entries verified \(entries 1–12\)/),
    });
    // Read-only: not a byte written (the CLI's way migrated and checked foreign keys first).
    expect(readFileSync(file).equals(before)).toBe(true);

    const tampered = createTestDatabase();
    for (let i = 1; i <= 12; i++)
      appendAccessLog(tampered.db, {
        action: 'lead.byId',
        outcome: 'ok',
        targetType: 'lead',
        targetIds: [i],
      });
    tampered.sqlite.exec(`drop trigger access_log_targets_no_delete;
      delete from access_log_targets where entry_id = 7;`);
    tampered.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const broken = cli(tampered.sqlite.name, `${tampered.sqlite.name}.anchors.jsonl`);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(
      'access log BROKEN (targets) at entry 7; 6 entries before it hold',
    );
  }, 60_000);

  it('migrates a database that needs it first, as every command does, then checks it', () => {
    const dir = mkdtempSync(join(out, 'fresh-'));
    const file = join(dir, 'new.db');
    expect(cli(file, join(dir, 'anchors.jsonl'))).toEqual({
      code: 0,
      out: expect.stringMatching(/^access log OK: 0 entries verified \(no entries\)/),
    });
  }, 60_000);
});
