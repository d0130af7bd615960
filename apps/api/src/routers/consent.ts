import { leadsInScope, listOutboxForLead, withdrawConsent } from '@mg/db';
import { consentWithdrawInput, leadRefInput } from '@mg/shared';
import { notFound } from '../lib/errors';
import { NOTIFICATION_KIND } from '../lib/intake';
import { can, router } from '../trpc';

export const consentRouter = router({
  /**
   * Staff record that the person asked to withdraw a consent: a 'staff_on_request' event
   * with the acting user on every lead of the person (same e-mail, or phone for SMS, at any
   * subsidiary) that consents, and the address on the suppression list. The answer is about
   * this lead only, so a subsidiary user learns nothing of leads outside their scope; the
   * access-log entry names every lead touched. Idempotent: when nothing consents any more,
   * nothing is appended (the request is still logged).
   */
  withdraw: can('consent:withdraw', { purpose: 'marketing' })
    .input(consentWithdrawInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const [lead] = leadsInScope(tx, ctx.scope, [input.leadId]);
        if (!lead) throw notFound('lead', input.leadId);
        const result = withdrawConsent(tx, {
          lead,
          purposes: [input.purpose],
          source: 'staff_on_request',
          actorUserId: ctx.actor.userId,
          at: Date.now(),
        });
        const changed = (result?.withdrawn.length ?? 0) > 0;
        const touched = result?.touchedLeadIds ?? [];
        if (result?.capped)
          ctx.log.warn(
            { leadId: input.leadId, purpose: input.purpose },
            'consent withdrawal reached the per-person cap of leads',
          );
        log({
          action: 'consent.withdraw',
          targetType: 'lead',
          targetIds: [input.leadId, ...touched.filter((id) => id !== input.leadId)],
          detail: {
            consentPurpose: input.purpose,
            changed,
            leads: touched.length,
            ...(result?.capped ? { capped: true } : {}),
          },
        });
        return {
          changed,
          consent: result?.consent ?? { marketing_email: false, marketing_sms: false },
        };
      }),
    ),

  /**
   * The forwarding log: notifications about this lead to its subsidiary, and how they went.
   * The consumer's own consent receipt is not forwarding and is left out.
   */
  forwarding: can('lead:read', { purpose: 'follow_up' })
    .input(leadRefInput)
    .query(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const [lead] = leadsInScope(tx, ctx.scope, [input.leadId]);
        if (!lead) throw notFound('lead', input.leadId);
        const items = listOutboxForLead(tx, lead, NOTIFICATION_KIND);
        log({ targetType: 'lead', targetIds: [input.leadId], detail: { messages: items.length } });
        return items;
      }),
    ),
});
