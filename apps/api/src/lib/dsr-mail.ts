import { type Conn, insertOutbox } from '@mg/db';
import type { DsrType } from '@mg/shared';

/**
 * Mails to the person behind a data subject request. Written in Norwegian with an English
 * version below: a request registered by staff has no language of its own. They carry only
 * what concerns this request (its type, the staff member's note) and never another person's
 * data; the sender is the company, not a staff member.
 */

export const DSR_MAIL_KINDS = {
  confirmation: 'dsr_confirmation',
  closing: 'dsr_closing',
} as const;

const SENDER = ['', '-- ', 'Mestergruppen Eiendom', 'personvern@mestergruppen.no'];

const TYPE_TEXT: Record<DsrType, { nb: string; en: string }> = {
  access: { nb: 'innsyn', en: 'access' },
  portability: { nb: 'dataportabilitet', en: 'data portability' },
  rectification: { nb: 'retting', en: 'rectification' },
  erasure: { nb: 'sletting', en: 'erasure' },
  restriction: { nb: 'begrensning av behandling', en: 'restriction of processing' },
  objection: { nb: 'protest mot behandling', en: 'objection to processing' },
  consent_withdrawal: { nb: 'tilbaketrekking av samtykke', en: 'withdrawal of consent' },
};

export function dsrTypeText(type: DsrType) {
  return TYPE_TEXT[type];
}

/** The identity-confirmation link (single-use, 7 days). */
export function dsrConfirmationMail(type: DsrType, link: string) {
  const t = TYPE_TEXT[type];
  return {
    subject: 'Bekreft forespørselen din om personopplysninger / Confirm your request',
    body: [
      'Hei,',
      '',
      `Vi har mottatt en forespørsel om ${t.nb} av personopplysninger knyttet til denne e-postadressen.`,
      'Bekreft at forespørselen kommer fra deg ved å åpne lenken og trykke på knappen:',
      link,
      '',
      'Lenken virker én gang og i 7 dager. Har du ikke sendt forespørselen, kan du se bort fra',
      'denne e-posten; da gjør vi ingenting mer med den.',
      '',
      '---',
      '',
      `We have received a request for ${t.en} of personal data linked to this e-mail address.`,
      'Confirm that the request is yours by opening the link and pressing the button:',
      link,
      '',
      'The link works once and for 7 days. If you did not send the request, ignore this e-mail.',
      ...SENDER,
    ].join('\n'),
  };
}

const COMPLAINT_NB = [
  'Er du ikke fornøyd med hvordan vi har behandlet forespørselen, kan du klage til',
  'Datatilsynet (datatilsynet.no).',
];
const COMPLAINT_EN = [
  'If you are not satisfied with how we handled your request, you may complain to the',
  'Norwegian Data Protection Authority, Datatilsynet (datatilsynet.no).',
];

/** The closing mail: what was done (completed) or why not (rejected), and the right to complain. */
export function dsrClosingMail(
  type: DsrType,
  outcome: 'completed' | 'rejected',
  note: string,
  receivedDate: string,
) {
  const t = TYPE_TEXT[type];
  const done = outcome === 'completed';
  return {
    subject: done
      ? 'Forespørselen din om personopplysninger er behandlet / Your request has been handled'
      : 'Svar på forespørselen din om personopplysninger / Answer to your request',
    body: [
      'Hei,',
      '',
      done
        ? `Forespørselen din om ${t.nb}, mottatt ${receivedDate}, er behandlet. Dette har vi gjort:`
        : `Vi kan ikke imøtekomme forespørselen din om ${t.nb}, mottatt ${receivedDate}. Begrunnelse:`,
      '',
      note,
      '',
      ...COMPLAINT_NB,
      '',
      '---',
      '',
      done
        ? `Your request for ${t.en}, received ${receivedDate}, has been handled. This is what we did:`
        : `We cannot grant your request for ${t.en}, received ${receivedDate}. The reason:`,
      '',
      note,
      '',
      ...COMPLAINT_EN,
      ...SENDER,
    ].join('\n'),
  };
}

export function queueDsrMail(
  conn: Conn,
  kind: (typeof DSR_MAIL_KINDS)[keyof typeof DSR_MAIL_KINDS],
  to: string,
  mail: { subject: string; body: string },
  now: number,
) {
  return insertOutbox(
    conn,
    {
      kind,
      leadId: null,
      subsidiaryId: null,
      toAddress: to,
      subject: mail.subject,
      body: mail.body,
    },
    now,
  );
}
