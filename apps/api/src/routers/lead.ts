import { countLeads, getLead, getLeadHistory, listLeads, listRelatedLeads } from '@mg/db';
import { idSchema, leadListInput } from '@mg/shared';
import { z } from 'zod';
import { notFound } from '../lib/errors';
import { can, router } from '../trpc';

export const leadRouter = router({
  /** A page of leads with names and contacts: a read of personal data, logged with the ids shown. */
  list: can('lead:read', { purpose: 'follow_up' })
    .input(leadListInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const page = listLeads(tx, { scope: ctx.scope, filter: input });
        const { cursor: _c, limit: _l, ...filter } = input;
        const total = countLeads(tx, { scope: ctx.scope, filter });
        log({
          targetType: 'lead',
          targetIds: page.items.map((l) => l.id),
          // A search is logged as "searched", never with the words typed.
          detail: {
            filters: Object.keys(filter).filter((k) => k !== 'search'),
            searched: Boolean(input.search),
          },
        });
        return { ...page, total };
      }),
    ),

  byId: can('lead:read', { purpose: 'follow_up' })
    .input(z.object({ id: idSchema }))
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const lead = getLead(tx, { scope: ctx.scope, id: input.id });
        if (!lead) throw notFound('lead', input.id);
        const history = getLeadHistory(tx, lead.id);
        const related = listRelatedLeads(tx, { scope: ctx.scope, lead });
        log({ targetType: 'lead', targetIds: [lead.id], detail: { related: related.length } });
        return { lead, ...history, related };
      }),
    ),
});
