import { readFileSync } from 'node:fs';

/**
 * This process's main thread's time so far, in ms, from /proc/self/task/<pid>/schedstat:
 * on a CPU, and waiting in a run queue for one. The first is what a loaded machine does not
 * inflate; the second is how much of a wall-clock figure the load took (Linux only).
 */
export function mainThreadTime(): { cpuMs: number; queuedMs: number } {
  const [cpu, queued] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
  return { cpuMs: Number(cpu) / 1e6, queuedMs: Number(queued) / 1e6 };
}

/** The main thread's CPU time so far, in ms. */
export const mainThreadCpuMs = (): number => mainThreadTime().cpuMs;
