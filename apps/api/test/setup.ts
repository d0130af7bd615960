import { removeTestDatabases } from '@mg/db/testing';
import { afterAll } from 'vitest';
import { closeReadWorkers } from '../src/jobs/read-workers';

// Each test file removes the databases it made, so a run leaves nothing in the temp dir;
// the read workers an app started on them stop first. Stopping a worker waits for its thread
// to be scheduled, which on the loaded 2-core machine took longer than the default 10 s hook
// timeout for a file that started several (one pool per test database).
afterAll(async () => {
  try {
    await closeReadWorkers();
  } finally {
    removeTestDatabases();
  }
}, 120_000);
