import { removeTestDatabases } from '@mg/db/testing';
import { afterAll } from 'vitest';

// Each test file removes the databases it made, so a run leaves nothing in the temp dir.
afterAll(removeTestDatabases);
