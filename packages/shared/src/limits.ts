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
