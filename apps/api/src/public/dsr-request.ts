import { insertDsrRequest } from '@mg/db';
import {
  DSR_TYPES,
  type DsrType,
  dsrDueAt,
  dsrPublicInput,
  dsrPurpose,
  type FieldErrors,
  osloDate,
  toFieldErrors,
} from '@mg/shared';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppBindings, AppDeps } from '../context';
import { publicBaseUrl } from '../env';
import { logEntry, PUBLIC } from '../lib/access-log';
import { confirmDsrByToken, findDsrLinkTarget, sendDsrLinks } from '../lib/dsr-verification';
import { allowedOrigins, originAllowed, originHeaders } from '../lib/origin';
import {
  donePage,
  type Html,
  type Lang,
  langOf,
  langOfPost,
  languageSwitch,
  layout,
  messagePage,
  oneButtonPage,
  PAGE_TEXT,
} from './page';

/**
 * The public request page (policy section 5), server-rendered, no JavaScript:
 * GET  /personvern/foresporsel               the form (nb; ?lang=en)
 * POST /personvern/foresporsel               registers the request (channel web) and mails a
 *      confirmation link to the address given; 303 to the receipt page. Same origin only,
 *      rate-limited per IP like intake, 16 KiB body cap, honeypot.
 * GET  /personvern/foresporsel/takk          the receipt page
 * GET  /personvern/foresporsel/bekreft/:t    a one-button page; changes nothing
 * POST /personvern/foresporsel/bekreft/:t    verifies the request's identity, once
 *
 * The answer never depends on whether the address has leads: the handler never looks them up,
 * so it does the same work and answers the same for every valid address.
 */

export const DSR_FORM_PATH = '/personvern/foresporsel';
const BODY_LIMIT = 16 * 1024;
const MESSAGE_MAX = 2000;

const TEXT = {
  nb: {
    title: 'Be om innsyn, sletting eller andre rettigheter',
    intro:
      'Her kan du bruke rettighetene dine etter personvernregelverket for opplysningene Mestergruppen Eiendom har om deg fra interesseskjemaene. Vi sender en lenke til e-postadressen du oppgir; forespørselen behandles når du har bekreftet den. Vi svarer innen én måned.',
    type: 'Hva gjelder forespørselen?',
    types: {
      access: 'Innsyn: få vite hvilke opplysninger vi har om deg',
      erasure: 'Sletting av opplysningene om deg',
      rectification: 'Retting av feil opplysninger',
      restriction: 'Begrensning av behandlingen',
      objection: 'Protest mot behandlingen',
      portability: 'Dataportabilitet: få opplysningene i et maskinlesbart format',
      consent_withdrawal: 'Trekke tilbake samtykke til nyheter og tilbud',
    } satisfies Record<DsrType, string>,
    email: 'E-post',
    emailHint: 'Bruk adressen du oppga i interesseskjemaet. Bekreftelseslenken sendes hit.',
    message: 'Melding (valgfritt)',
    messageHint: 'For eksempel hva som skal rettes. Ikke send kopi av legitimasjon.',
    submit: 'Send forespørsel',
    honeypot: 'La dette feltet stå tomt',
    summary: 'Skjemaet har feil som må rettes',
    privacy: 'Les personvernerklæringen',
    thanksTitle: 'Sjekk e-posten din',
    thanks:
      'Takk. Vi har sendt en e-post med en bekreftelseslenke til adressen du oppga. Åpne lenken og trykk på knappen for å bekrefte at forespørselen kommer fra deg. Lenken virker i 7 dager. Får du ingen e-post, sjekk søppelpost eller send skjemaet på nytt.',
    confirmTitle: 'Bekreft forespørselen',
    confirm: (what: string) =>
      `Du har bedt Mestergruppen Eiendom om ${what}. Trykk på knappen for å bekrefte at forespørselen kommer fra deg.`,
    confirmButton: 'Ja, forespørselen er fra meg',
    doneTitle: 'Takk, forespørselen er bekreftet',
    done: 'Vi behandler forespørselen og svarer deg på e-post innen fristen, senest én måned etter at vi mottok den.',
    goneTitle: 'Lenken virker ikke lenger',
    used: 'Denne lenken er allerede brukt.',
    expired: 'Denne lenken er utløpt. Send forespørselen på nytt.',
    closed: 'Denne forespørselen venter ikke lenger på bekreftelse.',
    notFoundTitle: 'Lenken virker ikke',
    notFound: 'Vi finner ikke denne lenken.',
    what: {
      access: 'innsyn i opplysningene om deg',
      erasure: 'sletting av opplysningene om deg',
      rectification: 'retting av opplysninger om deg',
      restriction: 'begrensning av behandlingen av opplysningene om deg',
      objection: 'å ta imot en protest mot behandlingen',
      portability: 'opplysningene om deg i et maskinlesbart format',
      consent_withdrawal: 'å trekke tilbake samtykket ditt',
    } satisfies Record<DsrType, string>,
  },
  en: {
    title: 'Ask for access, erasure or another right',
    intro:
      'Here you can use your rights under data protection law for the data Mestergruppen Eiendom holds about you from the interest forms. We send a link to the e-mail address you give; the request is handled once you have confirmed it. We answer within one month.',
    type: 'What is your request about?',
    types: {
      access: 'Access: find out what data we hold about you',
      erasure: 'Erasure of your data',
      rectification: 'Correction of wrong data',
      restriction: 'Restriction of processing',
      objection: 'Objection to processing',
      portability: 'Data portability: get your data in a machine-readable format',
      consent_withdrawal: 'Withdraw consent to news and offers',
    } satisfies Record<DsrType, string>,
    email: 'E-mail',
    emailHint: 'Use the address you gave in the interest form. The confirmation link is sent here.',
    message: 'Message (optional)',
    messageHint: 'For example what should be corrected. Do not send a copy of an ID document.',
    submit: 'Send request',
    honeypot: 'Leave this field empty',
    summary: 'There is a problem with the form',
    privacy: 'Read the privacy policy',
    thanksTitle: 'Check your e-mail',
    thanks:
      'Thank you. We have sent an e-mail with a confirmation link to the address you gave. Open the link and press the button to confirm that the request is yours. The link works for 7 days. If no e-mail arrives, check your spam folder or send the form again.',
    confirmTitle: 'Confirm your request',
    confirm: (what: string) =>
      `You have asked Mestergruppen Eiendom for ${what}. Press the button to confirm that the request is yours.`,
    confirmButton: 'Yes, the request is mine',
    doneTitle: 'Thank you, your request is confirmed',
    done: 'We will handle your request and answer by e-mail within the deadline, at the latest one month after we received it.',
    goneTitle: 'This link no longer works',
    used: 'This link has already been used.',
    expired: 'This link has expired. Please send your request again.',
    closed: 'This request is no longer waiting for confirmation.',
    notFoundTitle: 'This link does not work',
    notFound: 'We cannot find this link.',
    what: {
      access: 'access to your data',
      erasure: 'erasure of your data',
      rectification: 'correction of your data',
      restriction: 'restriction of the processing of your data',
      objection: 'to record your objection to the processing',
      portability: 'your data in a machine-readable format',
      consent_withdrawal: 'to withdraw your consent',
    } satisfies Record<DsrType, string>,
  },
} as const;

const ERRORS: Record<Lang, Record<string, string>> = {
  nb: {
    'type.invalid': 'Velg hva forespørselen gjelder.',
    'type.required': 'Velg hva forespørselen gjelder.',
    'email.required': 'Skriv inn e-postadressen din.',
    'email.invalidEmail': 'Skriv inn en gyldig e-postadresse, for eksempel navn@eksempel.no.',
    'email.tooLong': 'E-postadressen er for lang.',
    'message.tooLong': `Meldingen kan ha høyst ${MESSAGE_MAX} tegn.`,
    'message.invalidCharacters': 'Meldingen inneholder tegn som ikke er tillatt.',
    other: 'Noe i skjemaet er ikke gyldig. Sjekk feltene og prøv igjen.',
  },
  en: {
    'type.invalid': 'Choose what your request is about.',
    'type.required': 'Choose what your request is about.',
    'email.required': 'Enter your e-mail address.',
    'email.invalidEmail': 'Enter a valid e-mail address, like name@example.com.',
    'email.tooLong': 'The e-mail address is too long.',
    'message.tooLong': `Your message can have at most ${MESSAGE_MAX} characters.`,
    'message.invalidCharacters': 'Your message contains characters that are not allowed.',
    other: 'Something in the form is not valid. Check the fields and try again.',
  },
};

const FIELDS = ['type', 'email', 'message'] as const;
type Field = (typeof FIELDS)[number];
interface Values {
  type?: string;
  email?: string;
  message?: string;
}

const withLang = (path: string, lang: Lang) => (lang === 'en' ? `${path}?lang=en` : path);

function renderRequestForm(
  c: Context,
  { lang, values = {}, errors = {} }: { lang: Lang; values?: Values; errors?: FieldErrors },
): Html {
  const t = TEXT[lang];
  const errorOf = (field: Field) => {
    const e = errors[field]?.[0];
    if (!e) return undefined;
    return ERRORS[lang][`${field}.${e.key}`] ?? ERRORS[lang].other;
  };
  const messages = FIELDS.flatMap((field) => {
    const text = errorOf(field);
    return text ? [{ field, text }] : [];
  });
  const described = (field: Field, hint: boolean) =>
    [hint ? `${field}-hint` : null, errorOf(field) ? `${field}-error` : null]
      .filter(Boolean)
      .join(' ');
  const errorLine = (field: Field) => {
    const text = errorOf(field);
    return text ? html`<p class="error" id="${field}-error">${text}</p>` : '';
  };
  const typeError = errorOf('type');
  const body = html`${languageSwitch(lang, DSR_FORM_PATH)}
<h1>${t.title}</h1>
<p>${t.intro}</p>
${
  messages.length > 0
    ? html`<div class="summary" role="alert" aria-labelledby="summary-title" tabindex="-1" autofocus>
<h2 id="summary-title">${t.summary}</h2>
<ul>${messages.map((m) => html`<li><a href="#${m.field === 'type' ? `type-${DSR_TYPES[0]}` : m.field}">${m.text}</a></li>`)}</ul>
</div>`
    : ''
}
<form method="post" action="${withLang(DSR_FORM_PATH, lang)}" novalidate>
<input type="hidden" name="lang" value="${lang}">
<fieldset ${typeError ? html`aria-describedby="type-error"` : ''}>
<legend>${t.type}</legend>
${errorLine('type')}
${DSR_TYPES.map(
  (type) => html`<div class="check">
<input type="radio" id="type-${type}" name="type" value="${type}" required ${values.type === type ? 'checked' : ''}>
<label for="type-${type}">${t.types[type]}</label>
</div>`,
)}
</fieldset>
<div class="field">
<label for="email">${t.email}</label>
<span class="hint" id="email-hint">${t.emailHint}</span>
${errorLine('email')}
<input type="email" id="email" name="email" autocomplete="email" required aria-required="true" aria-describedby="${described('email', true)}" ${errorOf('email') ? html`aria-invalid="true"` : ''} value="${values.email ?? ''}">
</div>
<div class="field">
<label for="message">${t.message}</label>
<span class="hint" id="message-hint">${t.messageHint}</span>
${errorLine('message')}
<textarea id="message" name="message" rows="5" maxlength="${MESSAGE_MAX}" aria-describedby="${described('message', true)}" ${errorOf('message') ? html`aria-invalid="true"` : ''}>${values.message ?? ''}</textarea>
</div>
<div class="hp" aria-hidden="true">
<label for="website">${t.honeypot}</label>
<input type="text" id="website" name="website" tabindex="-1" autocomplete="off" value="">
</div>
<p><a href="${withLang('/personvern', lang)}">${t.privacy}</a></p>
<button type="submit">${t.submit}</button>
</form>`;
  return layout(c, { lang, title: t.title, body, error: messages.length > 0 });
}

export function dsrRequestRoutes(deps: AppDeps) {
  const { env, log } = deps;
  const app = new Hono<AppBindings>();
  // From configuration only: a request's Host header is the sender's to choose.
  const baseUrl = publicBaseUrl(env);
  // Our own pages only: unlike intake, no other website posts requests on a person's behalf.
  const mayPost = allowedOrigins(baseUrl);
  // The same budget per IP and minute as intake (INTAKE_RATE_LIMIT), counted apart.
  const limiter = new RateLimiterMemory({ points: env.INTAKE_RATE_LIMIT, duration: 60 });

  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  const originCheck: MiddlewareHandler<AppBindings> = async (c, next) => {
    if (!originAllowed(originHeaders(c.req), mayPost)) {
      log.info({ requestId: c.get('requestId') }, 'dsr request refused: origin not allowed');
      return c.text('Forbidden', 403);
    }
    return next();
  };
  const rateLimit: MiddlewareHandler<AppBindings> = async (c, next) => {
    try {
      await limiter.consume(c.get('clientIp') ?? 'unknown');
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      c.header('Retry-After', String(Math.max(1, Math.ceil(error.msBeforeNext / 1000))));
      const lang = langOf(c.req.query('lang'));
      const text = PAGE_TEXT[lang];
      return c.html(messagePage(c, { lang, title: text.tooManyTitle, text: text.tooMany }), 429);
    }
    return next();
  };
  const limitBody = bodyLimit({
    maxSize: BODY_LIMIT,
    onError: (c) => {
      const lang = langOf(c.req.query('lang'));
      const text = PAGE_TEXT[lang];
      return c.html(messagePage(c, { lang, title: text.tooLargeTitle, text: text.tooLarge }), 413);
    },
  });

  app.get('/', (c) => c.html(renderRequestForm(c, { lang: langOf(c.req.query('lang')) })));

  app.post('/', originCheck, rateLimit, limitBody, async (c) => {
    const type = c.req.header('content-type')?.toLowerCase() ?? '';
    if (
      !type.startsWith('application/x-www-form-urlencoded') &&
      !type.startsWith('multipart/form-data')
    )
      return c.text('Unsupported Media Type', 415);
    const body = (await c.req.parseBody().catch(() => ({}))) as Record<string, unknown>;
    const lang = langOf(body.lang ?? c.req.query('lang'));
    const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 5000) : undefined);
    const thanks = c.redirect(withLang(`${DSR_FORM_PATH}/takk`, lang), 303);
    const parsed = dsrPublicInput.safeParse({
      type: str(body.type),
      email: str(body.email) ?? '',
      message: str(body.message),
      website: str(body.website),
    });
    if (!parsed.success) {
      const values = { type: str(body.type), email: str(body.email), message: str(body.message) };
      return c.html(
        renderRequestForm(c, { lang, values, errors: toFieldErrors(parsed.error.issues) }),
        400,
      );
    }
    const input = parsed.data;
    // A bot filled the hidden field: the same answer as a person gets, nothing behind it.
    if (input.website) {
      log.info({ requestId: c.get('requestId') }, 'dsr request honeypot filled; nothing stored');
      return thanks;
    }
    const now = Date.now();
    // Never a lookup of the person's leads here: the work and the answer are the same for
    // every address, so the page cannot tell anyone whether an address is known.
    deps.db.transaction((tx) => {
      const { id } = insertDsrRequest(
        tx,
        {
          type: input.type,
          subjectEmail: input.email,
          subjectPhone: null,
          channel: 'web',
          receivedAt: now,
          dueAt: dsrDueAt(osloDate(now)),
          message: input.message ?? null,
          createdByUserId: null,
        },
        now,
      );
      sendDsrLinks(tx, {
        dsrId: id,
        type: input.type,
        addresses: [input.email],
        baseUrl,
        byUserId: null,
        now,
      });
      // The person's own action: no IP or user agent in the append-only log.
      logEntry(
        tx,
        { requestId: c.get('requestId'), ip: null, userAgent: null },
        PUBLIC,
        {
          action: 'dsr.publicRequest',
          purpose: dsrPurpose(id),
          targetType: 'dsr',
          targetIds: [id],
          outcome: 'ok',
          detail: { type: input.type, channel: 'web' },
        },
        now,
      );
    });
    deps.outbox?.kick();
    return thanks;
  });

  app.get('/takk', (c) => {
    const lang = langOf(c.req.query('lang'));
    const t = TEXT[lang];
    return c.html(donePage(c, { lang, title: t.thanksTitle, text: t.thanks }));
  });

  const notFound = (c: Context<AppBindings>, lang: Lang) =>
    c.html(
      messagePage(c, { lang, title: TEXT[lang].notFoundTitle, text: TEXT[lang].notFound }),
      404,
    );
  const gone = (c: Context<AppBindings>, lang: Lang, why: 'used' | 'expired' | 'closed') =>
    c.html(messagePage(c, { lang, title: TEXT[lang].goneTitle, text: TEXT[lang][why] }), 410);

  app.get('/bekreft/:token', (c) => {
    const lang = langOf(c.req.query('lang'));
    const t = TEXT[lang];
    const target = findDsrLinkTarget(deps.db, c.req.param('token'));
    if (!target) return notFound(c, lang);
    if (target.state !== 'open') return gone(c, lang, target.state);
    return c.html(
      oneButtonPage(c, {
        lang,
        title: t.confirmTitle,
        text: t.confirm(t.what[target.type]),
        action: `${DSR_FORM_PATH}/bekreft/${encodeURIComponent(c.req.param('token'))}`,
        button: t.confirmButton,
      }),
    );
  });

  app.post(
    '/bekreft/:token',
    originCheck,
    bodyLimit({ maxSize: 4 * 1024, onError: (c) => c.text('Payload Too Large', 413) }),
    async (c) => {
      const lang = await langOfPost(c);
      // The person's own action: no IP or user agent in the append-only log.
      const result = confirmDsrByToken(deps.db, c.req.param('token'), {
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
