import type { DashboardParams } from '@mg/db';
import type { ConsentPurpose, Scope } from '@mg/shared';

/** The reads a worker thread runs (read-worker.ts), with the arguments of their query. */
export type ReadJob =
  | { kind: 'audienceCount'; args: { scope: Scope; purpose: ConsentPurpose } }
  | { kind: 'audienceIds'; args: { scope: Scope; purpose: ConsentPurpose } }
  | { kind: 'dashboard'; args: DashboardParams };

export type ReadReply = { id: number; result?: unknown; error?: string };
