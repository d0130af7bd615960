/**
 * The grid's URL parser (zod inside) as a module of its own, so that lead-grid-url.ts can load
 * it on demand: a dynamic import of the `@mg/shared` barrel, which the entry also imports
 * statically, would keep all of it in the entry (docs/decisions/017-first-load-by-screen.md).
 */
export { leadGridFromSearchParams } from '@mg/shared';
