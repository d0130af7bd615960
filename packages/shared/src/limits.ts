/*
 * Limits the web client's first load needs: in a module without zod, since any module of
 * inputs.ts on the entry's import graph brings all of zod with it (issue 11).
 */

/**
 * Calls per batched tRPC request. The server refuses bigger batches, so one request cannot
 * fan out into hundreds of procedure calls (and access-log rows); the web client splits its
 * batches at the same size.
 */
export const TRPC_MAX_BATCH_SIZE = 10;

/**
 * Every calendar date the API takes lies in this range: a bound on every loop and query
 * that walks days or weeks, and far beyond any lead or policy this business will have.
 */
export const MIN_DATE = '2000-01-01';
export const MAX_DATE = '2100-12-31';

/** Most leads one bulk change (or its undo) may touch. */
export const LEAD_BULK_MAX = 500;
