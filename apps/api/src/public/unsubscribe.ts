import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppBindings, AppDeps } from '../context';
import { findUnsubscribeTarget, unsubscribeByToken } from '../lib/unsubscribe';
import { donePage, type Lang, langOf, langOfPost, messagePage, oneButtonPage } from './page';

/**
 * GET  /unsubscribe/:token — a confirmation page with one button. It changes nothing, so a
 *      link scanner that follows the link cannot unsubscribe anyone.
 * POST /unsubscribe/:token — withdraws every marketing consent of that lead and puts the
 *      e-mail on the suppression list. Also the RFC 8058 one-click target: mail clients POST
 *      `List-Unsubscribe=One-Click` here. Idempotent; every POST is logged.
 * An unknown token gets a plain 404 page that says nothing about why.
 */

const TEXT = {
  nb: {
    title: 'Meld deg av nyheter og tilbud',
    confirm: (project: string) =>
      `Du får nyheter og tilbud fra Mestergruppen Eiendom fordi du meldte interesse for ${project}. Vil du ikke ha dem lenger?`,
    alreadyTitle: 'Du er allerede meldt av',
    already: (project: string) =>
      `Du får ikke nyheter og tilbud fra Mestergruppen Eiendom knyttet til interessemeldingen for ${project}. Du trenger ikke gjøre noe mer.`,
    button: 'Meld meg av',
    doneTitle: 'Du er meldt av',
    done: 'Du får ikke flere nyheter og tilbud fra oss. Det kan ta opptil et døgn før utsendelser som allerede er planlagt, stopper.',
    notFoundTitle: 'Lenken virker ikke',
    notFound:
      'Vi finner ikke denne avmeldingslenken. Kontakt personvern@mestergruppen.no hvis du vil melde deg av.',
  },
  en: {
    title: 'Unsubscribe from news and offers',
    confirm: (project: string) =>
      `You receive news and offers from Mestergruppen Eiendom because you registered your interest in ${project}. Do you no longer want them?`,
    alreadyTitle: 'You are already unsubscribed',
    already: (project: string) =>
      `You receive no news and offers from Mestergruppen Eiendom for your registration for ${project}. There is nothing more to do.`,
    button: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    done: 'You will get no more news and offers from us. Mailings already scheduled may take up to a day to stop.',
    notFoundTitle: 'This link does not work',
    notFound:
      'We cannot find this unsubscribe link. Contact personvern@mestergruppen.no if you want to unsubscribe.',
  },
} as const;

export function unsubscribeRoutes(deps: AppDeps) {
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

  app.get('/:token', (c) => {
    const lang = langOf(c.req.query('lang'));
    const t = TEXT[lang];
    const target = findUnsubscribeTarget(deps.db, c.req.param('token'));
    if (!target) return notFound(c, lang);
    // Nothing left to withdraw: say so, and offer no button that would seem to do something.
    // (A POST still answers "unsubscribed": it is idempotent, and mail clients send it blind.)
    if (target.granted.length === 0)
      return c.html(
        messagePage(c, { lang, title: t.alreadyTitle, text: t.already(target.projectName) }),
      );
    const action = `/unsubscribe/${encodeURIComponent(c.req.param('token'))}`;
    return c.html(
      oneButtonPage(c, {
        lang,
        title: t.title,
        text: t.confirm(target.projectName),
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
      const result = unsubscribeByToken(deps.db, c.req.param('token'), {
        requestId: c.get('requestId'),
        ip: c.get('clientIp'),
        userAgent: c.req.header('user-agent') ?? null,
      });
      if (!result) return notFound(c, lang);
      const t = TEXT[lang];
      return c.html(donePage(c, { lang, title: t.doneTitle, text: t.done }));
    },
  );
  return app;
}
