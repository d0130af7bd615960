/**
 * The record of processing activities (GDPR art. 30(1)) for MG Leads: the one place it is
 * written down, mirroring the privacy policy of 17 June 2024 (sections 2-6). The /processing
 * page renders it as it is; the only live value is the lead retention period, read from the
 * settings table (`retention: { kind: 'setting' }`). Change the policy, change this file: a
 * test checks that every purpose names a legal basis and a retention.
 *
 * Texts are given in both languages here rather than in the locale files, because they are
 * the record itself (one source), not interface wording.
 */

export type LocalisedText = { nb: string; en: string };

/** GDPR art. 6(1) letters the policy relies on. */
export const LEGAL_BASES = ['6-1-a', '6-1-b', '6-1-c', '6-1-f'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const LEGAL_BASIS_TEXT: Record<LegalBasis, LocalisedText> = {
  '6-1-a': { nb: 'Samtykke, art. 6 nr. 1 a', en: 'Consent, art. 6(1)(a)' },
  '6-1-b': { nb: 'Avtale, art. 6 nr. 1 b', en: 'Contract, art. 6(1)(b)' },
  '6-1-c': { nb: 'Rettslig forpliktelse, art. 6 nr. 1 c', en: 'Legal obligation, art. 6(1)(c)' },
  '6-1-f': { nb: 'Berettiget interesse, art. 6 nr. 1 f', en: 'Legitimate interest, art. 6(1)(f)' },
};

/**
 * How long: the live lead retention setting (months after the last activity, anonymised by
 * the daily run), or a rule stated in words.
 */
export type Retention =
  | { kind: 'setting'; note: LocalisedText }
  | { kind: 'rule'; note: LocalisedText };

export interface ProcessingPurpose {
  key: string;
  /** The section of the privacy policy it comes from. */
  policySection: string;
  name: LocalisedText;
  legalBasis: readonly LegalBasis[];
  dataCategories: readonly LocalisedText[];
  peopleCategories: readonly LocalisedText[];
  recipients: readonly LocalisedText[];
  retention: Retention;
}

const people = {
  prospects: { nb: 'Interessenter (forbrukere)', en: 'Prospective buyers (consumers)' },
  staff: {
    nb: 'Ansatte i Mestergruppen og kontaktpersoner hos datterselskaper',
    en: 'Mestergruppen staff and contact persons at subsidiaries',
  },
} satisfies Record<string, LocalisedText>;

const data = {
  contact: { nb: 'Navn, e-post, telefon', en: 'Name, e-mail, phone' },
  message: { nb: 'Melding i skjemaet', en: 'Message in the form' },
  project: { nb: 'Boligprosjekt og tidspunkt', en: 'Housing project and time' },
  consent: {
    nb: 'Samtykker med versjon av personvernerklæringen',
    en: 'Consents with the privacy policy version',
  },
  notes: { nb: 'Oppfølgingsnotater og status', en: 'Follow-up notes and status' },
  access: {
    nb: 'Tilgangslogg: hvem, når, formål, lead-id (ingen personopplysningsverdier)',
    en: 'Access log: who, when, purpose, lead ids (no personal data values)',
  },
  accounts: {
    nb: 'Brukerkontoer: navn, e-post, rolle, innlogginger',
    en: 'User accounts: name, e-mail, role, sign-ins',
  },
  suppression: {
    nb: 'Avmeldinger som nøkkelhash (HMAC) av e-post/telefon',
    en: 'Opt-outs as keyed hashes (HMAC) of e-mail/phone',
  },
} satisfies Record<string, LocalisedText>;

const recipients = {
  subsidiary: {
    nb: 'Datterselskapet som er ansvarlig for boligprosjektet',
    en: 'The subsidiary responsible for the housing project',
  },
  mestergruppen: {
    nb: 'Mestergruppen Eiendom AS (administrator, personvernrådgiver)',
    en: 'Mestergruppen Eiendom AS (administrators, privacy officer)',
  },
  auditors: { nb: 'Revisorer (kun lead-id, ikke navn)', en: 'Auditors (lead ids only, no names)' },
  authorities: {
    nb: 'Myndigheter når loven krever det',
    en: 'Public authorities where the law requires it',
  },
  mail: { nb: 'E-postleverandør (databehandler)', en: 'E-mail provider (processor)' },
} satisfies Record<string, LocalisedText>;

const leadRetention: Retention = {
  kind: 'setting',
  note: {
    nb: 'måneder etter siste aktivitet, deretter anonymisert (ikke ved rettslig hold)',
    en: 'months after the last activity, then anonymised (unless under legal hold)',
  },
};

export const PROCESSING_RECORD = {
  controller: {
    name: 'Mestergruppen Eiendom AS',
    orgNumber: '974451204',
    address: 'Nils Hansens vei 8, 0667 Oslo',
    email: 'sentralbord@mestergruppen.no',
    privacyOfficer: 'personvern@mestergruppen.no',
  },
  policyVersion: '2024-06-17',
  purposes: [
    {
      key: 'inquiry',
      policySection: '2',
      name: {
        nb: 'Registrering og oppfølging av interesseskjema',
        en: 'Registering and following up interest forms',
      },
      legalBasis: ['6-1-b'],
      dataCategories: [data.contact, data.message, data.project, data.notes],
      peopleCategories: [people.prospects],
      recipients: [recipients.subsidiary, recipients.mestergruppen],
      retention: leadRetention,
    },
    {
      key: 'communication',
      policySection: '2',
      name: { nb: 'Kommunikasjon med bruker', en: 'Communication with the user' },
      legalBasis: ['6-1-b'],
      dataCategories: [data.contact],
      peopleCategories: [people.prospects],
      recipients: [recipients.subsidiary, recipients.mail],
      retention: leadRetention,
    },
    {
      key: 'marketing',
      policySection: '2',
      name: { nb: 'Markedsføring med samtykke', en: 'Marketing with consent' },
      legalBasis: ['6-1-a'],
      dataCategories: [data.contact, data.consent, data.suppression],
      peopleCategories: [people.prospects],
      recipients: [recipients.mestergruppen, recipients.mail],
      retention: {
        kind: 'rule',
        note: {
          nb: 'Til samtykket trekkes eller leadet anonymiseres; avmeldingen beholdes som nøkkelhash så den ikke kan overstyres',
          en: 'Until consent is withdrawn or the lead is anonymised; the opt-out is kept as a keyed hash so it cannot be overridden',
        },
      },
    },
    {
      key: 'security',
      policySection: '2',
      name: {
        nb: 'Hindre, begrense og følge opp misbruk; sikkerhet',
        en: 'Preventing and following up misuse; security',
      },
      legalBasis: ['6-1-c', '6-1-f'],
      dataCategories: [data.access, data.accounts],
      peopleCategories: [people.staff, people.prospects],
      recipients: [recipients.mestergruppen, recipients.auditors],
      retention: {
        kind: 'rule',
        note: {
          nb: 'Tilgangsloggen er kun-tillegg og holder bare id-er; sesjoner slettes etter utløp',
          en: 'The access log is append-only and holds ids only; sessions are deleted once expired',
        },
      },
    },
    {
      key: 'rights',
      policySection: '5',
      name: {
        nb: 'Behandle henvendelser om rettigheter (innsyn, retting, sletting m.m.)',
        en: 'Handling data subject requests (access, rectification, erasure etc.)',
      },
      legalBasis: ['6-1-c'],
      dataCategories: [data.contact, data.access],
      peopleCategories: [people.prospects],
      recipients: [recipients.mestergruppen],
      retention: leadRetention,
    },
    {
      key: 'legal',
      policySection: '2, 4',
      name: {
        nb: 'Overholdelse av lovpålagte plikter',
        en: 'Complying with legal obligations',
      },
      legalBasis: ['6-1-c'],
      dataCategories: [data.contact, data.project],
      peopleCategories: [people.prospects],
      recipients: [recipients.authorities],
      retention: {
        kind: 'rule',
        note: {
          nb: 'Så lenge loven krever (f.eks. regnskapsloven); leads under rettslig hold beholdes til holdet oppheves',
          en: 'As long as the law requires (e.g. bookkeeping law); leads under legal hold are kept until the hold is lifted',
        },
      },
    },
  ] satisfies readonly ProcessingPurpose[],
  securityMeasures: [
    {
      nb: 'Rollebasert tilgang, avslått som standard; datterselskap ser bare egne leads',
      en: 'Role-based access, deny by default; a subsidiary sees only its own leads',
    },
    {
      nb: 'Tilgangslogg med hash-kjede og signerte ankre; hver lesing av personopplysninger logges',
      en: 'Access log with a hash chain and signed anchors; every read of personal data is logged',
    },
    {
      nb: 'Passord med argon2id, utestenging, tofaktor (TOTP) for administrator og personvernrådgiver',
      en: 'Passwords with argon2id, lock-out, second factor (TOTP) for administrators and the privacy officer',
    },
    {
      nb: 'Sesjoner som kan trekkes tilbake, tidsavbrudd, CSRF- og opprinnelsessjekk, streng CSP',
      en: 'Revocable sessions, timeouts, CSRF and origin checks, strict CSP',
    },
    {
      nb: 'Anonymisering uten rester (secure_delete), sikkerhetskopier med filmodus 0600',
      en: 'Anonymisation without remnants (secure_delete), backups with file mode 0600',
    },
    {
      nb: 'Taushetsplikt, interne IT-retningslinjer og jevnlig opplæring (personvernerklæringen pkt. 6)',
      en: 'Confidentiality duty, internal IT guidelines and regular training (policy section 6)',
    },
  ] satisfies readonly LocalisedText[],
} as const;

export type ProcessingRecord = typeof PROCESSING_RECORD;
