import type { ComponentType } from 'react';
import { describe, expect, it } from 'vitest';
import { lazyScreen } from './lazy-screen';

const Screen: ComponentType = () => null;

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('lazyScreen', () => {
  it('fetches the code and the strings side by side, once, and has the screen after both', async () => {
    const code = deferred<ComponentType>();
    const strings = deferred<void>();
    const calls: string[] = [];
    const screen = lazyScreen(
      () => {
        calls.push('code');
        return code.promise;
      },
      () => {
        calls.push('strings');
        return strings.promise;
      },
    );
    const first = screen.preload();
    // Both asked for before either has arrived: no waterfall.
    expect(calls).toEqual(['code', 'strings']);
    expect(screen.preload()).toBe(first);
    expect(screen.preload(true)).toBe(first);
    code.resolve(Screen);
    await Promise.resolve();
    // The code alone is not enough: the screen would show raw keys.
    expect(screen.loaded()).toBeUndefined();
    strings.resolve();
    await first;
    expect(screen.loaded()).toBe(Screen);
    expect(calls).toEqual(['code', 'strings']);
  });

  it('keeps a failed fetch failed for the render, and fetches again when the router retries', async () => {
    let attempts = 0;
    const screen = lazyScreen(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('chunk failed');
        return Screen;
      },
      async () => undefined,
    );
    const failed = screen.preload();
    await expect(failed).rejects.toThrow('chunk failed');
    // A render asks again: the same failure, no new request (a render would loop on it).
    expect(screen.preload()).toBe(failed);
    expect(attempts).toBe(1);
    expect(screen.loaded()).toBeUndefined();
    // The next navigation retries.
    await screen.preload(true);
    expect(attempts).toBe(2);
    expect(screen.loaded()).toBe(Screen);
  });

  it('does not count a screen whose strings failed as loaded', async () => {
    const screen = lazyScreen(
      async () => Screen,
      async () => {
        throw new Error('strings failed');
      },
    );
    await expect(screen.preload()).rejects.toThrow('strings failed');
    expect(screen.loaded()).toBeUndefined();
  });
});
