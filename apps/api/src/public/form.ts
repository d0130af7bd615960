import { findProjectBySlug, getCurrentPolicyVersion, osloDate } from '@mg/db';
import {
  type FieldErrors,
  formatVersionLabel,
  INTAKE_MESSAGE_MAX,
  PROJECT_STATUSES_OPEN_FOR_INTAKE,
  type ValidationKey,
} from '@mg/shared';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { AppBindings, AppDeps } from '../context';
import {
  type Html,
  type Lang,
  langOf,
  languageSwitch,
  layout,
  messagePage,
  PAGE_TEXT,
} from './page';

/**
 * GET /skjema/:slug — the hosted interest form, server-rendered, no JavaScript. It posts
 * (same origin) to /api/intake/:slug, which answers with this form again (status 400, with
 * inline errors and the entered values) or a redirect to /skjema/:slug/takk.
 */

const TEXT = {
  nb: {
    title: (project: string) => `Meld interesse for ${project}`,
    intro:
      'Fyll ut skjemaet, så tar boligselskapet som har ansvaret for prosjektet kontakt med deg.',
    name: 'Navn',
    email: 'E-post',
    phone: 'Telefon',
    phoneHint: 'Norske nummer trenger ikke landkode.',
    message: 'Melding (valgfritt)',
    marketing: 'Nyheter og tilbud (valgfritt)',
    marketingHint:
      'Kryss av for det du vil ha. Du kan når som helst melde deg av, med lenken i hver e-post eller ved å kontakte oss.',
    marketing_email: 'Ja, send meg nyheter og tilbud om boligprosjekter på e-post.',
    marketing_sms: 'Ja, send meg nyheter og tilbud om boligprosjekter på SMS.',
    privacy: 'Slik behandler vi personopplysningene dine: les personvernerklæringen',
    version: 'versjon',
    submit: 'Send interessemelding',
    honeypot: 'La dette feltet stå tomt',
    summary: 'Skjemaet har feil som må rettes',
    thanksTitle: 'Takk for interessen!',
    thanks: (project: string, subsidiary: string) =>
      `Vi har mottatt interessemeldingen din for ${project}. ${subsidiary} har ansvaret for prosjektet og tar kontakt med deg.`,
    back: 'Tilbake til skjemaet',
  },
  en: {
    title: (project: string) => `Register your interest in ${project}`,
    intro: 'Fill in the form and the housing company responsible for the project will contact you.',
    name: 'Name',
    email: 'E-mail',
    phone: 'Phone',
    phoneHint: 'Norwegian numbers need no country code.',
    message: 'Message (optional)',
    marketing: 'News and offers (optional)',
    marketingHint:
      'Tick what you would like. You can unsubscribe at any time, with the link in every e-mail or by contacting us.',
    marketing_email: 'Yes, send me news and offers about housing projects by e-mail.',
    marketing_sms: 'Yes, send me news and offers about housing projects by text message.',
    privacy: 'How we handle your personal data: read the privacy policy',
    version: 'version',
    submit: 'Send registration',
    honeypot: 'Leave this field empty',
    summary: 'There is a problem with the form',
    thanksTitle: 'Thank you for your interest!',
    thanks: (project: string, subsidiary: string) =>
      `We have received your registration for ${project}. ${subsidiary} is responsible for the project and will contact you.`,
    back: 'Back to the form',
  },
} as const;

const ERRORS: Record<Lang, Record<string, string>> = {
  nb: {
    'name.required': 'Skriv inn navnet ditt.',
    'name.tooLong': 'Navnet kan ha høyst {max} tegn.',
    'email.required': 'Skriv inn e-postadressen din.',
    'email.invalidEmail': 'Skriv inn en gyldig e-postadresse, for eksempel navn@eksempel.no.',
    'email.tooLong': 'E-postadressen er for lang.',
    'phone.required': 'Skriv inn telefonnummeret ditt.',
    'phone.invalidPhone':
      'Skriv inn et gyldig telefonnummer, for eksempel 912 34 567 eller +46 70 123 45 67.',
    'phone.tooLong': 'Telefonnummeret er for langt.',
    'message.tooLong': 'Meldingen kan ha høyst {max} tegn.',
    'name.invalidCharacters': 'Navnet inneholder tegn som ikke er tillatt.',
    'name.noVisibleText': 'Skriv inn navnet ditt med synlige tegn.',
    'message.invalidCharacters': 'Meldingen inneholder tegn som ikke er tillatt.',
    'message.noVisibleText': 'Meldingen inneholder bare usynlige tegn.',
    'policyVersion.invalid':
      'Personvernerklæringen er oppdatert. Les den nye versjonen og send skjemaet på nytt.',
    other: 'Noe i skjemaet er ikke gyldig. Sjekk feltene og prøv igjen.',
  },
  en: {
    'name.required': 'Enter your name.',
    'name.tooLong': 'Your name can have at most {max} characters.',
    'email.required': 'Enter your e-mail address.',
    'email.invalidEmail': 'Enter a valid e-mail address, like name@example.com.',
    'email.tooLong': 'The e-mail address is too long.',
    'phone.required': 'Enter your phone number.',
    'phone.invalidPhone': 'Enter a valid phone number, like 912 34 567 or +46 70 123 45 67.',
    'phone.tooLong': 'The phone number is too long.',
    'message.tooLong': 'Your message can have at most {max} characters.',
    'name.invalidCharacters': 'Your name contains characters that are not allowed.',
    'name.noVisibleText': 'Enter your name with visible characters.',
    'message.invalidCharacters': 'Your message contains characters that are not allowed.',
    'message.noVisibleText': 'Your message holds only invisible characters.',
    'policyVersion.invalid':
      'The privacy policy has been updated. Read the new version and send the form again.',
    other: 'Something in the form is not valid. Check the fields and try again.',
  },
};

function errorText(
  lang: Lang,
  field: string,
  e: { key: ValidationKey; params?: Record<string, number> },
) {
  const template = ERRORS[lang][`${field}.${e.key}`] ?? ERRORS[lang].other ?? '';
  return template.replace('{max}', String(e.params?.max ?? ''));
}

export interface FormValues {
  name?: string;
  email?: string;
  phone?: string;
  message?: string;
  marketingEmail?: boolean;
  marketingSms?: boolean;
}

/** What a person typed, read back from the raw body (never the normalised values). */
export function formValuesOf(body: Record<string, unknown>): FormValues {
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 5000) : undefined);
  const ticked = (v: unknown) => v === true || v === 'on' || v === 'true' || v === '1';
  return {
    name: str(body.name),
    email: str(body.email),
    phone: str(body.phone),
    message: str(body.message),
    marketingEmail: ticked(body.marketingEmail),
    marketingSms: ticked(body.marketingSms),
  };
}

export interface FormProject {
  name: string;
  slug: string;
  place: string;
}

const FIELDS = ['name', 'email', 'phone', 'message'] as const;

export function renderForm(
  c: Context,
  {
    lang,
    project,
    policyLabel,
    values = {},
    errors = {},
    idempotencyKey,
  }: {
    lang: Lang;
    project: FormProject;
    policyLabel: string | null;
    values?: FormValues;
    errors?: FieldErrors;
    idempotencyKey: string;
  },
): Html {
  const t = TEXT[lang];
  const path = `/skjema/${encodeURIComponent(project.slug)}`;
  const messages = Object.entries(errors).flatMap(([field, list]) =>
    list.slice(0, 1).map((e) => ({ field, text: errorText(lang, field, e) })),
  );
  const fieldError = (field: string) => messages.find((m) => m.field === field)?.text;
  const anchor = (field: string) =>
    (FIELDS as readonly string[]).includes(field) ? `#${field}` : '#name';

  const input = (field: (typeof FIELDS)[number], type: string, autocomplete: string) => {
    const error = fieldError(field);
    const hint = field === 'phone' ? t.phoneHint : undefined;
    const describedBy =
      [hint ? `${field}-hint` : null, error ? `${field}-error` : null].filter(Boolean).join(' ') ||
      undefined;
    const common = html`id="${field}" name="${field}" autocomplete="${autocomplete}" ${
      describedBy ? html`aria-describedby="${describedBy}"` : ''
    } ${error ? html`aria-invalid="true"` : ''}`;
    return html`<div class="field">
<label for="${field}">${t[field]}</label>
${hint ? html`<span class="hint" id="${field}-hint">${hint}</span>` : ''}
${error ? html`<p class="error" id="${field}-error">${error}</p>` : ''}
${
  field === 'message'
    ? html`<textarea ${common} maxlength="${INTAKE_MESSAGE_MAX}" rows="5">${values.message ?? ''}</textarea>`
    : html`<input type="${type}" ${common} required aria-required="true" value="${values[field] ?? ''}">`
}
</div>`;
  };

  const checkbox = (field: 'marketingEmail' | 'marketingSms', purpose: keyof typeof t) =>
    html`<div class="check">
<input type="checkbox" id="${field}" name="${field}" value="on" aria-describedby="marketing-hint" ${
      values[field] ? 'checked' : ''
    }>
<label for="${field}">${t[purpose] as string}</label>
</div>`;

  const policyHref = `/personvern${lang === 'en' ? '?lang=en' : ''}`;
  const body = html`${languageSwitch(lang, path)}
<h1>${t.title(project.name)}</h1>
<p>${project.place}. ${t.intro}</p>
${
  messages.length > 0
    ? html`<div class="summary" role="alert" aria-labelledby="summary-title" tabindex="-1" autofocus>
<h2 id="summary-title">${t.summary}</h2>
<ul>${messages.map((m) => html`<li><a href="${anchor(m.field)}">${m.text}</a></li>`)}</ul>
</div>`
    : ''
}
<form method="post" action="/api/intake/${encodeURIComponent(project.slug)}${lang === 'en' ? '?lang=en' : ''}" novalidate>
<input type="hidden" name="hosted" value="1">
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="idempotencyKey" value="${idempotencyKey}">
${policyLabel ? html`<input type="hidden" name="policyVersion" value="${policyLabel}">` : ''}
${input('name', 'text', 'name')}
${input('email', 'email', 'email')}
${input('phone', 'tel', 'tel')}
${input('message', 'text', 'off')}
<fieldset>
<legend>${t.marketing}</legend>
<span class="hint" id="marketing-hint">${t.marketingHint}</span>
${checkbox('marketingEmail', 'marketing_email')}
${checkbox('marketingSms', 'marketing_sms')}
</fieldset>
<div class="hp" aria-hidden="true">
<label for="website">${t.honeypot}</label>
<input type="text" id="website" name="website" tabindex="-1" autocomplete="off" value="">
</div>
<p><a href="${policyHref}">${t.privacy}</a>${policyLabel ? html` <span class="muted">(${t.version} ${formatVersionLabel(policyLabel, lang)})</span>` : ''}.</p>
<button type="submit">${t.submit}</button>
</form>`;
  return layout(c, { lang, title: t.title(project.name), body, error: messages.length > 0 });
}

export function isOpenForIntake(project: { status: string; subsidiaryActive: boolean }) {
  return (
    project.subsidiaryActive &&
    (PROJECT_STATUSES_OPEN_FOR_INTAKE as readonly string[]).includes(project.status)
  );
}

export function formRoutes(deps: AppDeps) {
  const app = new Hono<AppBindings>();

  app.use('*', async (c, next) => {
    await next();
    // Each render carries its own idempotency key: a cached copy would share it.
    c.header('Cache-Control', 'no-store');
  });

  app.get('/:slug', (c) => {
    const lang = langOf(c.req.query('lang'));
    const project = findProjectBySlug(deps.db, c.req.param('slug'));
    if (!project || !isOpenForIntake(project)) {
      const text = PAGE_TEXT[lang];
      return c.html(
        messagePage(c, { lang, title: text.notFoundTitle, text: text.notFoundForm }),
        404,
      );
    }
    const policy = getCurrentPolicyVersion(deps.db, osloDate());
    return c.html(
      renderForm(c, {
        lang,
        project,
        policyLabel: policy?.label ?? null,
        idempotencyKey: crypto.randomUUID(),
      }),
    );
  });

  app.get('/:slug/takk', (c) => {
    const lang = langOf(c.req.query('lang'));
    const project = findProjectBySlug(deps.db, c.req.param('slug'));
    const text = PAGE_TEXT[lang];
    if (!project)
      return c.html(
        messagePage(c, { lang, title: text.notFoundTitle, text: text.notFoundForm }),
        404,
      );
    const t = TEXT[lang];
    const path = `/skjema/${encodeURIComponent(project.slug)}`;
    return c.html(
      layout(c, {
        lang,
        title: t.thanksTitle,
        body: html`<h1>${t.thanksTitle}</h1>
<p role="status">${t.thanks(project.name, project.subsidiaryName)}</p>
<p><a href="${lang === 'en' ? `${path}?lang=en` : path}">${t.back}</a></p>`,
      }),
    );
  });

  return app;
}
