import { getLead, listLeads } from '@mg/db';
import { leadFilterSchema } from '@mg/shared';
import { z } from 'zod';
import { can, router } from '../trpc';

/** Leads shown for one palette search: a short list to pick from, not a second grid. */
export const PALETTE_LEAD_LIMIT = 8;

/**
 * The words typed into the command palette. The grid's own search text rules (trimmed, no
 * control characters), then at least one character and a shorter cap: it is a jump box.
 */
export const paletteSearchInput = z.object({
  q: leadFilterSchema.shape.search.unwrap().pipe(z.string().min(1, 'required').max(100, 'tooLong')),
});

/** "3001" or "#3001": a lead number, looked up directly as well as searched for. */
const LEAD_NUMBER = /^#?(\d{1,9})$/;

export const paletteRouter = router({
  /**
   * Leads to jump to from the command palette (Ctrl+K), by number or by the grid's search
   * (name, e-mail, phone, message). Scoped and logged like the grid: a read of names, with
   * the ids shown, and "searched" rather than the words typed.
   */
  search: can('lead:read', { purpose: 'follow_up' })
    .input(paletteSearchInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const number = LEAD_NUMBER.exec(input.q)?.[1];
        const id = number === undefined ? undefined : Number(number);
        const exact =
          id !== undefined && id > 0 ? getLead(tx, { scope: ctx.scope, id }) : undefined;
        const found = listLeads(tx, {
          scope: ctx.scope,
          filter: { search: input.q, limit: PALETTE_LEAD_LIMIT },
        }).items;
        const rows = (exact ? [exact, ...found.filter((l) => l.id !== exact.id)] : found).slice(
          0,
          PALETTE_LEAD_LIMIT,
        );
        const leads = rows.map((lead) => ({
          id: lead.id,
          name: lead.name,
          projectName: lead.projectName,
          status: lead.status,
          anonymised: lead.anonymisedAt !== null,
        }));
        log({
          targetType: 'lead',
          targetIds: leads.map((lead) => lead.id),
          detail: { searched: true, via: 'palette', byNumber: exact !== undefined },
        });
        return { leads };
      }),
    ),
});
