import type { ConsentPurpose } from '@mg/shared';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppBindings, AppDeps } from '../context';
import { confirmConsentByToken, findConfirmationTarget } from '../lib/consent-confirmation';
import { donePage, type Lang, langOf, langOfPost, messagePage, oneButtonPage } from './page';

/**
 * Double opt-in, the link in a receipt after a form ticked consent from a suppressed address.
 * GET  /confirm-consent/:token — a page with one button; changes nothing, so a link scanner
 *      that follows the link confirms nobody.
 * POST /confirm-consent/:token — confirms once: records the consent and lifts the
 *      suppression. A used or expired link is refused (410) and changes nothing.
 * An unknown token gets a plain 404 page.
 */

const PURPOSES = {
  nb: { marketing_email: 'nyheter og tilbud på e-post', marketing_sms: 'nyheter og tilbud på SMS' },
  en: { marketing_email: 'news and offers by e-mail', marketing_sms: 'news and offers by SMS' },
} as const;

const TEXT = {
  nb: {
    title: 'Bekreft samtykke',
    confirm: (project: string, what: string) =>
      `Du har tidligere meldt deg av ${what} fra Mestergruppen Eiendom. Da du meldte interesse for ${project}, krysset du av for å få dem igjen. Vil du det?`,
    button: 'Ja, jeg vil ha dem',
    doneTitle: 'Takk, samtykket er registrert',
    done: 'Du kan når som helst melde deg av igjen med lenken i e-postene fra oss.',
    goneTitle: 'Lenken virker ikke lenger',
    used: 'Denne lenken er allerede brukt.',
    expired: 'Denne lenken er utløpt. Send skjemaet på nytt hvis du vil ha nyheter og tilbud.',
    notFoundTitle: 'Lenken virker ikke',
    notFound: 'Vi finner ikke denne lenken.',
    and: ' og ',
  },
  en: {
    title: 'Confirm your consent',
    confirm: (project: string, what: string) =>
      `You have unsubscribed from ${what} from Mestergruppen Eiendom. When you registered your interest in ${project}, you asked to get them again. Do you want that?`,
    button: 'Yes, I want them',
    doneTitle: 'Thank you, your consent is recorded',
    done: 'You can unsubscribe again at any time with the link in our e-mails.',
    goneTitle: 'This link no longer works',
    used: 'This link has already been used.',
    expired: 'This link has expired. Send the form again if you want news and offers.',
    notFoundTitle: 'This link does not work',
    notFound: 'We cannot find this link.',
    and: ' and ',
  },
} as const;

export function confirmConsentRoutes(deps: AppDeps) {
  const app = new Hono<AppBindings>();
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  const notFound = (c: Context<AppBindings>, lang: Lang) =>
    c.html(
      messagePage(c, { lang, title: TEXT[lang].notFoundTitle, text: TEXT[lang].notFound }),
      404,
    );
  const gone = (c: Context<AppBindings>, lang: Lang, why: 'used' | 'expired') =>
    c.html(messagePage(c, { lang, title: TEXT[lang].goneTitle, text: TEXT[lang][why] }), 410);
  const what = (lang: Lang, purposes: readonly ConsentPurpose[]) =>
    purposes.map((p) => PURPOSES[lang][p]).join(TEXT[lang].and);

  app.get('/:token', (c) => {
    const lang = langOf(c.req.query('lang'));
    const t = TEXT[lang];
    const target = findConfirmationTarget(deps.db, c.req.param('token'));
    if (!target) return notFound(c, lang);
    if (target.state !== 'open') return gone(c, lang, target.state);
    const action = `/confirm-consent/${encodeURIComponent(c.req.param('token'))}`;
    return c.html(
      oneButtonPage(c, {
        lang,
        title: t.title,
        text: t.confirm(target.projectName, what(lang, target.purposes)),
        action,
        button: t.button,
      }),
    );
  });

  app.post(
    '/:token',
    bodyLimit({ maxSize: 4 * 1024, onError: (c) => c.text('Payload Too Large', 413) }),
    async (c) => {
      const lang = await langOfPost(c);
      // A consumer's action: no IP or user agent in the append-only log (it can never be erased).
      const result = confirmConsentByToken(deps.db, c.req.param('token'), {
        requestId: c.get('requestId'),
        ip: null,
        userAgent: null,
      });
      if (result.kind === 'unknown') return notFound(c, lang);
      if (result.kind !== 'confirmed') return gone(c, lang, result.kind);
      const t = TEXT[lang];
      return c.html(donePage(c, { lang, title: t.doneTitle, text: t.done }));
    },
  );
  return app;
}
