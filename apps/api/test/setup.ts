import { removeTestDatabases } from '@mg/db/testing';
import { afterAll } from 'vitest';
import { closeReadWorkers } from '../src/jobs/read-workers';

// Each test file removes the databases it made, so a run leaves nothing in the temp dir;
// the read workers an app started on them stop first.
afterAll(async () => {
  await closeReadWorkers();
  removeTestDatabases();
});
