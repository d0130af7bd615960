import { type Conn, insertOutbox } from '@mg/db';

const SIGNATURE = ['', '-- ', 'MG Leads, Mestergruppen Eiendom'];

/** Where the set-password page lives; the token rides in the fragment, never sent to a server. */
export function passwordLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/set-password#token=${token}`;
}

export function invitationMail(name: string, link: string) {
  return {
    subject: 'Invitasjon til MG Leads',
    body: [
      `Hei ${name},`,
      '',
      'Du er invitert til MG Leads. Velg ditt eget passord her:',
      link,
      '',
      'Lenken virker én gang og i 72 timer. Ba du ikke om dette, kan du se bort fra e-posten.',
      ...SIGNATURE,
    ].join('\n'),
  };
}

export function resetMail(link: string) {
  return {
    subject: 'Nytt passord til MG Leads',
    body: [
      'Hei,',
      '',
      'Velg et nytt passord til MG Leads her:',
      link,
      '',
      'Lenken virker én gang og i én time. Ba du ikke om dette, kan du se bort fra e-posten;',
      'passordet ditt er ikke endret.',
      ...SIGNATURE,
    ].join('\n'),
  };
}

/** Like the subsidiary's notice: no personal data, only a link that needs a login. */
export function assignmentMail(link: string) {
  return {
    subject: 'En henvendelse er tildelt deg',
    body: [
      'Hei,',
      '',
      'En henvendelse i MG Leads er tildelt deg. Åpne den her (innlogging kreves):',
      link,
      '',
      'Av personvernhensyn inneholder denne e-posten ingen personopplysninger.',
      'Du kan slå av disse varslene under «Min konto».',
      ...SIGNATURE,
    ].join('\n'),
  };
}

export const ACCOUNT_MAIL_KINDS = {
  invitation: 'user_invitation',
  reset: 'password_reset',
  assignment: 'lead_assigned',
} as const;

export function queueMail(
  conn: Conn,
  kind: (typeof ACCOUNT_MAIL_KINDS)[keyof typeof ACCOUNT_MAIL_KINDS],
  to: string,
  mail: { subject: string; body: string },
  extra: { leadId?: number } = {},
  now = Date.now(),
) {
  return insertOutbox(
    conn,
    {
      kind,
      leadId: extra.leadId ?? null,
      subsidiaryId: null,
      toAddress: to,
      subject: mail.subject,
      body: mail.body,
    },
    now,
  );
}
