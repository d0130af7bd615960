import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** Kilobytes of dirty and under-writeback pages in the page cache (/proc/meminfo). */
function dirtyKb(): number {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const field = (name: string) =>
    Number(info.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
  return field('Dirty') + field('Writeback');
}

/**
 * Before anything is measured: the WAL checkpointed and every dirty page on disk.
 *
 * A run starts right after a 2 GB file was copied (the kept 1M file) or migrated (index builds
 * rewrite most of it): gigabytes of dirty pages that the kernel writes back from ~30 s later,
 * in the middle of the measures. A thread that writes while the backlog exceeds the kernel's
 * dirty limits is paused in the kernel (up to 200 ms per pause), which is the disk copy's
 * cost, not the app's: a server in use has no such backlog. So the run waits for it here and
 * says how long that took and how much there was.
 */
export function settleDisk(sqlite: { pragma(source: string): unknown }): void {
  const before = dirtyKb();
  const started = performance.now();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  execFileSync('sync');
  console.log(
    `disk settled before measuring: ${(before / 1024).toFixed(0)} MB dirty written in ${((performance.now() - started) / 1000).toFixed(1)} s (now ${(dirtyKb() / 1024).toFixed(0)} MB)\n`,
  );
}

/**
 * Before anything is measured: the database file in the kernel's page cache, as it is on a
 * server that has been answering for a while (the 1M file is 2.5 GB; this machine has 24 GB).
 * Copied or migrated minutes earlier, parts of it were not: a deep page at a random cursor
 * then read index and table pages from the disk, and the admin's deep pages measured p95 21–32
 * ms with 67–172 ms blocks; read once first, 14.5 ms and 31 ms (session 15). The disk's own
 * speed is not the app's: the bench reports how much had to be read instead.
 */
export function warmPageCache(file: string): void {
  const started = performance.now();
  const buffer = Buffer.allocUnsafe(8 << 20);
  let bytes = 0;
  for (const path of [file, `${file}-wal`]) {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      continue; // no WAL right after a TRUNCATE checkpoint
    }
    try {
      for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) bytes += n;
    } finally {
      closeSync(fd);
    }
  }
  console.log(
    `database in the page cache: ${(bytes / 1048576).toFixed(0)} MB read in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
