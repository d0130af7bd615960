import { rmSync } from 'node:fs';

/** Every run starts from an empty database and outbox; the server seeds demo data. */
export default function globalSetup() {
  for (const path of ['test-results/e2e.db', 'test-results/e2e.db-wal', 'test-results/e2e.db-shm', 'test-results/outbox'])
    rmSync(path, { recursive: true, force: true });
}
