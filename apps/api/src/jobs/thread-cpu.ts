/**
 * The calling thread's CPU time. Node's own modules only: the access-log check's worker and
 * the CLI's thread (which checks a range itself, decision 048) both load it.
 */
import { readFileSync } from 'node:fs';

/**
 * This thread's CPU time in ms (Linux: utime + stime of /proc/thread-self/stat, in clock
 * ticks of 10 ms), or null elsewhere. process.cpuUsage() counts every thread of the process,
 * and Node 20 has no per-thread figure: on a machine shared with other work, CPU time per
 * entry of one thread is the figure that load does not distort.
 */
export function threadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields 14 and 15 of proc(5), counted here from the state (field 3), after the name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}
