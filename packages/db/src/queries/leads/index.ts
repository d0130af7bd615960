// The lead queries, one file per concern; callers import from here (or from '@mg/db').

export {
  type AnonymisationLog,
  type AnonymisationReason,
  type AnonymisationResult,
  anonymiseLeadsIn,
  checkpointAfterAnonymisation,
  personLeadIds,
} from './anonymise';
export { leadScope, leadScopeById } from './common';
export { countLeads, countLeadsCapped, countWorkableLeads } from './counts';
export { getLead, getLeadHistory, listRelatedLeads } from './detail';
export {
  GRID_PLAN_TUNING,
  InvalidCursorError,
  iterateLeadsForExport,
  type LeadListRow,
  listLeads,
  listWorkableLeadIds,
} from './grid';
export { indexLeadsForSearch, insertLead, inTransaction, type NewLead } from './intake-write';
export type { LeadRef } from './lead-ref';
export {
  getLeadFlags,
  listObjections,
  recordObjection,
  setLegalHold,
  setRestricted,
} from './privacy-write';
export {
  addLeadNote,
  findAssignableUser,
  type LeadForUpdate,
  leadsForUpdate,
  leadsInScope,
  setLeadAssignee,
  setLeadStatus,
} from './review-write';
export { ROW_LISTS } from './row-lists';
export { LEAD_QUERY_TUNING, leadSearchMatch, planSearch, toFtsQuery } from './search';
export { sortBucketTokensSql } from './search-sorted';
