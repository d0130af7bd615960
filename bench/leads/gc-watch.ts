import type { PerformanceObserver as Observer } from 'node:perf_hooks';

/**
 * The longest garbage-collection pause of this thread's V8 heap since the last reset (ms):
 * `run.ts` reports it for the server's thread and the client's apart, so a long event-loop
 * block can be told apart from a major GC, and a GC of the client from one of the server.
 */
export function gcWatch(PerformanceObserver: typeof Observer) {
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    reset: () => {
      longest = 0;
    },
    longest: () => longest,
    stop: () => observer.disconnect(),
  };
}
