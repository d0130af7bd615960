import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
let out = '';

/** The files main.js loads at start-up: itself and every chunk it imports statically. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(out, file), 'utf8');
  for (const m of code.matchAll(/^import\s*(?:[^;]*?from\s*)?"\.\/([^"]+)"/gm))
    if (m[1]) staticClosure(m[1], seen);
  return seen;
}

const holdsFaker = (file: string) => readFileSync(join(out, file), 'utf8').includes('@faker-js');

describe('the production bundle', () => {
  beforeAll(() => {
    // The real build script, with its bundler config, into a directory of its own.
    out = mkdtempSync(join(tmpdir(), 'mg-api-bundle-'));
    execFileSync(process.execPath, ['build.mjs', out], { cwd: apiDir, stdio: 'pipe' });
  }, 120_000);
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('starts without faker: the demo seed is a chunk loaded only when seeding', () => {
    expect(existsSync(join(out, 'main.js'))).toBe(true);
    const loaded = [...staticClosure('main.js')];
    expect(loaded.filter(holdsFaker)).toEqual([]);
    // Faker is still in the build, for seeding (so the check above is not vacuous)...
    const seedChunks = readdirSync(out).filter((f) => f.endsWith('.js') && holdsFaker(f));
    expect(seedChunks.length).toBeGreaterThan(0);
    // ...behind a dynamic import in main.js.
    const main = readFileSync(join(out, 'main.js'), 'utf8');
    expect(seedChunks.some((f) => main.includes(`import("./${f}")`))).toBe(true);
  });
});
