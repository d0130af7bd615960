// The one guard every package's tests load (each vitest.config lists this file).
import { afterEach, beforeEach, type MockInstance, vi } from 'vitest';

/**
 * Noise is a failure: a console.error nobody expected fails the test that caused it. A test
 * that expects one installs its own spy (`vi.spyOn(console, "error").mockImplementation(…)`),
 * which takes this one's place for that test.
 */
let spy: MockInstance<typeof console.error> | undefined;
let unexpected: unknown[][] = [];
beforeEach(() => {
  unexpected = [];
  spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    unexpected.push(args);
  });
});
afterEach(() => {
  spy?.mockRestore();
  const seen = unexpected;
  unexpected = [];
  if (seen.length > 0)
    throw new Error(
      `unexpected console.error (${seen.length}):\n${seen.map((args) => args.map(String).join(' ')).join('\n')}`,
    );
});
