import type { Context, MiddlewareHandler } from 'hono';
import { html, raw } from 'hono/html';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import type { Env } from '../env';

/**
 * Shared by the server-rendered public pages (hosted form, thank-you, privacy policy,
 * unsubscribe): language, texts, layout and the headers that let configured websites frame
 * them. The pages work without JavaScript and load none.
 */

export type Lang = 'nb' | 'en';
export const langOf = (value: unknown): Lang => (value === 'en' ? 'en' : 'nb');

/** Public pages that configured website origins may frame (the rest of the app: nobody). */
export const PUBLIC_PAGE_PREFIXES = [
  '/skjema/',
  '/unsubscribe/',
  '/confirm-consent/',
  '/personvern',
  // A classic form post is answered with the form again (errors) from this path.
  '/api/intake/',
] as const;
export const isPublicPage = (path: string) =>
  PUBLIC_PAGE_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p));

/** INTAKE_CORS_ORIGINS as a list of exact origins (scheme://host[:port]). */
export function configuredOrigins(env: Pick<Env, 'INTAKE_CORS_ORIGINS'>): string[] {
  return env.INTAKE_CORS_ORIGINS.split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => /^https?:\/\/[^/\s]+$/.test(o));
}

/**
 * CSP for the public pages: no scripts at all, styles only with this response's nonce,
 * forms post to ourselves, framing only by ourselves and the configured website origins.
 * X-Frame-Options cannot list origins, so it is left out when origins are configured and
 * CSP frame-ancestors (which modern browsers prefer) does the work.
 */
export function publicPageHeaders(env: Env): MiddlewareHandler {
  const origins = configuredOrigins(env);
  const options = (styleSrc: NonNullable<CspOptions>['styleSrc']) =>
    ({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc,
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        frameAncestors: origins.length > 0 ? ["'self'", ...origins] : ["'self'"],
      },
      xFrameOptions: origins.length > 0 ? false : 'SAMEORIGIN',
      strictTransportSecurity:
        env.NODE_ENV === 'production' ? 'max-age=31536000; includeSubDomains' : false,
      // Unsubscribe links carry their token in the path: never send it to another site. Not
      // 'no-referrer': browsers then send `Origin: null` on the form's POST, which intake refuses.
      referrerPolicy: 'same-origin',
      // The page must open inside the website's frame.
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: false,
    }) satisfies Parameters<typeof secureHeaders>[0];
  const pages = secureHeaders(options([NONCE]));
  // A JSON post to intake is answered with JSON whatever happens (public/intake.ts), which
  // holds no style: the same headers with no styles allowed, instead of drawing a random
  // nonce for every website form (a CSPRNG call per post; intake runs at hundreds a second).
  const json = secureHeaders(options(["'none'"]));
  return (c, next) => (isJsonIntakePost(c) ? json(c, next) : pages(c, next));
}

type CspOptions = NonNullable<Parameters<typeof secureHeaders>[0]>['contentSecurityPolicy'];

/** A JSON POST to /api/intake/…: its answers are all JSON (public/intake.ts). */
function isJsonIntakePost(c: Context): boolean {
  return (
    c.req.method === 'POST' &&
    c.req.path.startsWith('/api/intake/') &&
    (c.req.header('content-type')?.toLowerCase().startsWith('application/json') ?? false)
  );
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .75rem}
a{color:#0b5394}
a:focus,input:focus,textarea:focus,button:focus{outline:3px solid #f2a900;outline-offset:2px}
.lang{text-align:right;margin:0 0 1rem}
.field{margin:0 0 1.25rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{display:block;color:#4a4a4a;font-size:.925rem;margin:.1rem 0 .35rem}
input[type=text],input[type=email],input[type=tel],textarea{width:100%;font:inherit;padding:.55rem .6rem;border:2px solid #555;border-radius:4px;background:#fff;color:inherit}
textarea{min-height:7rem;resize:vertical}
[aria-invalid=true]{border-color:#b00020}
.error{color:#b00020;font-weight:600;margin:.25rem 0}
fieldset{border:0;padding:0;margin:0 0 1.25rem}
legend{font-weight:600;margin-bottom:.35rem;padding:0}
.check{display:flex;gap:.6rem;align-items:flex-start;margin:.4rem 0}
.check input{width:1.35rem;height:1.35rem;margin:.1rem 0 0;flex:none}
.check label{font-weight:400;margin:0}
button{font:inherit;font-weight:600;padding:.65rem 1.4rem;border:0;border-radius:4px;background:#0b5394;color:#fff;cursor:pointer}
button:hover{background:#083d6e}
.summary{border:3px solid #b00020;padding:.75rem 1rem;margin:0 0 1.5rem}
.summary h2{font-size:1.15rem;margin:0 0 .4rem}
.summary ul{margin:0;padding-left:1.2rem}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
.policy p{white-space:pre-line}
.muted{color:#4a4a4a;font-size:.925rem}
`;

export type Html = ReturnType<typeof html>;

/** The page frame. `nonce` comes from the CSP header of this very response. */
export function layout(
  c: Context,
  { lang, title, body, error = false }: { lang: Lang; title: string; body: Html; error?: boolean },
): Html {
  const nonce = c.get('secureHeadersNonce') ?? '';
  const prefix = error ? (lang === 'en' ? 'Error: ' : 'Feil: ') : '';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${prefix}${title} – Mestergruppen Eiendom</title>
<style nonce="${nonce}">${raw(CSS)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** A link to the same page in the other language. */
export function languageSwitch(lang: Lang, path: string): Html {
  const other: Lang = lang === 'nb' ? 'en' : 'nb';
  const href = other === 'nb' ? path : `${path}?lang=en`;
  const label = other === 'nb' ? 'Norsk (bokmål)' : 'English';
  return html`<p class="lang"><a href="${href}" lang="${other}" hreflang="${other}">${label}</a></p>`;
}

/** A short page with a heading and a paragraph (not found, too many requests, …). */
export function messagePage(
  c: Context,
  { lang, title, text }: { lang: Lang; title: string; text: string },
): Html {
  return layout(c, { lang, title, body: html`<h1>${title}</h1><p>${text}</p>` });
}

/** The answer to a form or a mail link's POST: what was done, announced to screen readers. */
export function donePage(
  c: Context,
  { lang, title, text }: { lang: Lang; title: string; text: string },
): Html {
  return layout(c, { lang, title, body: html`<h1>${title}</h1><p role="status">${text}</p>` });
}

/**
 * A mail link's page: GET shows what the button will do and nothing changes; only the POST
 * from the button acts (link scanners and previews only GET). Used by unsubscribe and by the
 * consent confirmation.
 */
export function oneButtonPage(
  c: Context,
  p: { lang: Lang; title: string; text: string; action: string; button: string },
): Html {
  const body = html`<h1>${p.title}</h1>
<p>${p.text}</p>
<form method="post" action="${p.action}">
<input type="hidden" name="lang" value="${p.lang}">
<button type="submit">${p.button}</button>
</form>`;
  return layout(c, { lang: p.lang, title: p.title, body });
}

/**
 * The language of a mail link's POST: the button's hidden field, else the query. A body we
 * cannot read is no reason to refuse (RFC 8058's one-click body carries no language).
 */
export async function langOfPost(c: Context): Promise<Lang> {
  let lang: Lang = langOf(c.req.query('lang'));
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/')) {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if ('lang' in form) lang = langOf(form.lang);
  }
  return lang;
}

export const PAGE_TEXT = {
  nb: {
    notFoundTitle: 'Siden finnes ikke',
    notFoundForm:
      'Vi finner ikke dette skjemaet. Prosjektet finnes ikke, eller tar ikke imot interessemeldinger nå.',
    tooManyTitle: 'For mange forsøk',
    tooMany: 'Du har sendt mange skjema på kort tid. Vent litt og prøv igjen.',
    tooLargeTitle: 'For mye tekst',
    tooLarge: 'Skjemaet inneholdt for mye tekst. Gå tilbake, kort ned meldingen og prøv igjen.',
  },
  en: {
    notFoundTitle: 'Page not found',
    notFoundForm:
      'We cannot find this form. The project does not exist or is not taking registrations now.',
    tooManyTitle: 'Too many attempts',
    tooMany: 'You have sent many forms in a short time. Please wait a little and try again.',
    tooLargeTitle: 'Too much text',
    tooLarge: 'The form held too much text. Go back, shorten your message and try again.',
  },
} as const;
