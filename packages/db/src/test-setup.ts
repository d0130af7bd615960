import { afterAll } from 'vitest';
import { removeTestDatabases } from './testing';

// Each test file removes the databases it made, so a run leaves nothing in the temp dir.
afterAll(removeTestDatabases);
