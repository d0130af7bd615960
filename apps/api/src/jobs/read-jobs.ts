import type { DashboardParams } from '@mg/db';
import type { ConsentPurpose, LeadFilterParams, LeadListParams, Scope } from '@mg/shared';

/** The grid's capped count (`lead.count`), or with `workableCap` the bulk change's (`lead.bulkCount`). */
export interface LeadCountArgs {
  scope: Scope;
  filter: LeadFilterParams;
  workableCap?: number;
}

/** The reads a worker thread runs (read-worker.ts), with the arguments of their query. */
export type ReadJob =
  | { kind: 'audienceCount'; args: { scope: Scope; purpose: ConsentPurpose } }
  | { kind: 'audienceIds'; args: { scope: Scope; purpose: ConsentPurpose } }
  | { kind: 'dashboard'; args: DashboardParams }
  | { kind: 'leadCount'; args: LeadCountArgs }
  | { kind: 'leadPage'; args: { scope: Scope; filter: LeadListParams } };

export type ReadReply = { id: number; result?: unknown; error?: string };
