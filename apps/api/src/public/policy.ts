import { getCurrentPolicyVersion, getPolicyVersionByLabel, osloDate } from '@mg/db';
import { formatDay, formatVersionLabel } from '@mg/shared';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { html } from 'hono/html';
import type { AppBindings, AppDeps } from '../context';
import { configuredOrigins, langOf, languageSwitch, layout, messagePage, PAGE_TEXT } from './page';

/**
 * GET /api/policy/current — the privacy policy in force: { label, effectiveDate, body }.
 * The website may fetch it (CORS for the configured origins) to show beside its own form
 * and send the label back with the intake.
 */
export function policyApiRoutes(deps: AppDeps) {
  const app = new Hono<AppBindings>();
  const origins = new Set(configuredOrigins(deps.env));
  app.use(
    '/current',
    cors({ origin: (o) => (origins.has(o) ? o : null), allowMethods: ['GET'], maxAge: 600 }),
  );
  app.get('/current', (c) => {
    const policy = getCurrentPolicyVersion(deps.db, osloDate());
    if (!policy) return c.json({ error: { code: 'NOT_FOUND', domainCode: 'notFound' } }, 404);
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ label: policy.label, effectiveDate: policy.effectiveDate, body: policy.body });
  });
  return app;
}

/** GET /personvern[?versjon=label][&lang=en] — the policy as a page, linked from the form. */
export function policyPageRoutes(deps: AppDeps) {
  const app = new Hono<AppBindings>();
  app.get('/', (c) => {
    const lang = langOf(c.req.query('lang'));
    const label = c.req.query('versjon');
    const policy = label
      ? getPolicyVersionByLabel(deps.db, label.slice(0, 60))
      : getCurrentPolicyVersion(deps.db, osloDate());
    const text = PAGE_TEXT[lang];
    if (!policy)
      return c.html(
        messagePage(c, { lang, title: text.notFoundTitle, text: text.notFoundTitle }),
        404,
      );
    const title = lang === 'en' ? 'Privacy policy' : 'Personvernerklæring';
    const meta =
      lang === 'en'
        ? `Version ${formatVersionLabel(policy.label, 'en')}, in force from ${formatDay(policy.effectiveDate, 'en')}. The policy is in Norwegian.`
        : `Versjon ${formatVersionLabel(policy.label, 'nb')}, gjelder fra ${formatDay(policy.effectiveDate, 'nb')}.`;
    const paragraphs = policy.body
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean);
    return c.html(
      layout(c, {
        lang,
        title,
        body: html`${languageSwitch(lang, '/personvern')}
<h1>${title}</h1>
<p class="muted">${meta}</p>
<div class="policy" lang="nb">${paragraphs.map((p) => html`<p>${p}</p>`)}</div>`,
      }),
    );
  });
  return app;
}
