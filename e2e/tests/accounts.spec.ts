import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateTOTP } from '@oslojs/otp';
import type { Page } from '@playwright/test';
import { expect, loginAs, test } from './fixtures';

/** The e2e server's OUTBOX_DIR (playwright.config.ts), where mail lands as .eml files. */
const OUTBOX = join(dirname(fileURLToPath(import.meta.url)), '..', '.e2e-data', 'outbox');

/** The newest .eml to an address, quoted-printable decoded enough to read a link. */
async function mailTo(address: string): Promise<string> {
  const names = (await readdir(OUTBOX).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.eml'))
    .sort();
  const texts = await Promise.all(
    names.map(async (n) =>
      (await readFile(join(OUTBOX, n), 'utf8')).replace(/=\r?\n/g, '').replace(/=3D/g, '='),
    ),
  );
  return texts.filter((text) => text.includes(`To: ${address}`)).at(-1) ?? '';
}

/** A valid Norwegian org number (mod 11), random enough not to meet the seeded ones. */
function orgNumber(): string {
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  for (;;) {
    const digits = `8${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const sum = [...digits].reduce((s, d, i) => s + Number(d) * (weights[i] ?? 0), 0);
    const check = sum % 11 === 0 ? 0 : 11 - (sum % 11);
    if (check !== 10) return `${digits}${check}`;
  }
}

const totpStep = () => Math.floor(Date.now() / 30_000);
const totpCode = (secret: string) => generateTOTP(decodeBase32IgnorePadding(secret), 30, 6);

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('E-post').fill(email);
  await page.getByLabel('Passord').fill(password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
}

test('an admin invites a subsidiary user, who sets a password, enrols a second factor, sees only their subsidiary, and is sent to login when deactivated', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36);
  const company = `Hordaland Hus ${suffix} AS`;
  const project = `Fjellsiden ${suffix}`;
  const email = `nina.${suffix}@hordalandhus.no`;
  const password = 'fjell og fjord og fossefall';
  const visitorName = `Vera Visning${suffix}`;

  // The admin creates the subsidiary and a project for it.
  await loginAs(page, 'admin');
  await page.getByRole('link', { name: 'Datterselskaper' }).click();
  await page.getByRole('button', { name: 'Nytt datterselskap' }).click();
  const sub = page.getByRole('dialog');
  await sub.getByLabel('Navn').fill(company);
  await sub.getByLabel('Organisasjonsnummer').fill(orgNumber());
  await sub.getByLabel('Kontakt-e-post').fill(`leads-${suffix}@hordalandhus.no`);
  await sub.getByRole('button', { name: 'Opprett' }).click();
  await expect(sub).toBeHidden();
  await page.getByRole('link', { name: 'Prosjekter' }).click();
  await page.getByRole('button', { name: 'Nytt prosjekt' }).click();
  const proj = page.getByRole('dialog');
  await proj.getByLabel('Navn').fill(project);
  await proj.getByLabel('Sted').fill('Voss');
  await proj.getByRole('combobox', { name: 'Datterselskap' }).click();
  await page.getByRole('option', { name: company }).click();
  await proj.getByRole('button', { name: 'Opprett' }).click();
  await expect(proj).toBeHidden();

  // A visitor sends the project's form: the one lead the new subsidiary has.
  const visitor = await browser.newPage();
  await visitor.goto(`/skjema/fjellsiden-${suffix}`);
  await visitor.getByLabel('Navn', { exact: true }).fill(visitorName);
  await visitor.getByLabel('E-post', { exact: true }).fill(`vera.${suffix}@example.no`);
  await visitor.getByLabel('Telefon', { exact: true }).fill(`9${String(Date.now()).slice(-7)}`);
  await visitor.getByRole('button', { name: 'Send interessemelding' }).click();
  await expect(visitor).toHaveURL(/\/takk/);
  await visitor.close();

  // The admin invites Nina; a subsidiary user without a subsidiary is refused first.
  await page.getByRole('link', { name: 'Brukere' }).click();
  await page.getByRole('button', { name: 'Inviter bruker' }).click();
  const invite = page.getByRole('dialog');
  await invite.getByLabel('Navn').fill('Nina Nyansatt');
  await invite.getByLabel('E-post').fill(email);
  await invite.getByRole('button', { name: 'Inviter bruker' }).click();
  await expect(invite.getByText('Velg datterselskapet brukeren hører til')).toBeVisible();
  await invite.getByRole('combobox', { name: 'Datterselskap' }).click();
  await page.getByRole('option', { name: company }).click();
  await invite.getByRole('button', { name: 'Inviter bruker' }).click();
  await expect(invite).toBeHidden();
  const row = page.getByRole('row', { name: /Nina Nyansatt/ });
  await expect(row.getByText('Invitert')).toBeVisible();

  // The invitation arrives through the outbox; Nina opens it in her own browser.
  let mail = '';
  await expect
    .poll(
      async () => {
        mail = await mailTo(email);
        return mail;
      },
      { timeout: 25_000, message: `an invitation to ${email} in ${OUTBOX}` },
    )
    .toMatch(/\/set-password#token=[a-z0-9]+/);
  const link = /https?:\/\/\S+\/set-password#token=[a-z0-9]+/.exec(mail)?.[0] ?? '';
  expect(mail).not.toContain(visitorName);
  const nina = await (await browser.newContext({ locale: 'nb-NO' })).newPage();
  await nina.goto(link);
  await expect(nina.getByText('Hei Nina Nyansatt!')).toBeVisible();
  await nina.getByLabel('Nytt passord').fill('password1234');
  await nina.getByLabel('Gjenta passordet').fill('password1234');
  await nina.getByRole('button', { name: 'Lagre passord' }).click();
  await expect(nina.getByText(/for vanlig/)).toBeVisible();
  await nina.getByLabel('Nytt passord').fill(password);
  await nina.getByLabel('Gjenta passordet').fill(password);
  await nina.getByRole('button', { name: 'Lagre passord' }).click();
  await expect(nina.getByText('Passordet er lagret')).toBeVisible();

  // She signs in and switches a second factor on, from the key shown beside the QR code.
  await signIn(nina, email, password);
  await expect(nina).not.toHaveURL(/\/login/);
  await nina.goto('/account');
  await nina.getByRole('button', { name: 'Slå på totrinnsbekreftelse' }).click();
  const secret = (await nina.getByTestId('totp-secret').textContent()) ?? '';
  expect(secret).toMatch(/^[A-Z2-7]+$/);
  const enrolStep = totpStep();
  await nina.getByLabel('Kode').fill(totpCode(secret));
  await nina.getByRole('button', { name: 'Bekreft og slå på' }).click();
  await expect(nina.getByTestId('recovery-code')).toHaveCount(10);
  await nina.getByRole('button', { name: 'Jeg har tatt vare på kodene' }).click();
  await expect(nina.getByText(/Totrinnsbekreftelse er på/)).toBeVisible();

  // Signing in again takes the password and then a code (a fresh one: a used code is refused).
  await nina.getByRole('button', { name: /Brukermeny/ }).click();
  await nina.getByRole('menuitem', { name: 'Logg ut' }).click();
  await expect(nina).toHaveURL(/\/login/);
  await signIn(nina, email, password);
  await expect(nina).toHaveURL(/\/login\/code/);
  while (totpStep() === enrolStep) await nina.waitForTimeout(1000);
  await nina.getByLabel('Kode').fill(totpCode(secret));
  await nina.getByRole('button', { name: 'Bekreft' }).click();
  await expect(nina).not.toHaveURL(/\/login/);

  // Only the new subsidiary's one lead.
  await nina.goto('/leads');
  await expect(nina.getByText('1 lead', { exact: true })).toBeVisible();
  await nina.getByRole('link', { name: visitorName }).click();
  await expect(nina.getByRole('heading', { name: visitorName })).toBeVisible();
  // The page's reads (lead, forwarding log, assignable people) settle before she picks from
  // the list: a list that fills in while open re-renders under the pointer.
  await nina.waitForLoadState('networkidle');
  // She takes the lead; it stays hers after she leaves, marked as no longer active.
  const assignee = nina
    .getByRole('textbox', { name: 'Ansvarlig' })
    .or(nina.getByRole('combobox', { name: 'Ansvarlig' }))
    .first();
  await expect(async () => {
    await assignee.click();
    await nina
      .getByRole('option', { name: 'Nina Nyansatt', exact: true })
      .click({ timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  await expect(nina.getByText('Ansvarlig satt til Nina Nyansatt')).toBeVisible();
  const leadPath = new URL(nina.url()).pathname;

  // The admin deactivates her; her open page goes to login on its next request.
  await page.reload();
  await page
    .getByRole('row', { name: /Nina Nyansatt/ })
    .getByRole('button', { name: /Handlinger for/ })
    .click();
  await page.getByRole('menuitem', { name: 'Deaktiver' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Deaktiver' }).click();
  await expect(
    page.getByRole('row', { name: /Nina Nyansatt/ }).getByText('Deaktivert'),
  ).toBeVisible();

  // (A page whose data is still fresh in the cache makes no request; this one asks anew.)
  // The page stays under a sign-in dialog; a deactivated user can only leave it for login.
  await nina.getByRole('link', { name: 'Mine økter' }).click();
  const dialog = nina.getByRole('dialog', { name: 'Økten er utløpt' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Logg inn som en annen bruker' }).click();
  await expect(nina).toHaveURL(/\/login/);
  await expect(nina.getByText('Økten din er utløpt')).toBeVisible();
  await nina.context().close();

  await page.goto(leadPath);
  await expect(
    page
      .getByRole('textbox', { name: 'Ansvarlig' })
      .or(page.getByRole('combobox', { name: 'Ansvarlig' }))
      .first(),
  ).toHaveValue('Nina Nyansatt (ikke lenger aktiv)');
});

test('the account page says what changed', async ({ page }) => {
  await loginAs(page, 'subsidiaryA');
  await page.goto('/account');
  const toggle = page.getByRole('switch', {
    name: 'Send meg en e-post når et lead blir tildelt meg',
  });
  await expect(toggle).toBeChecked();
  // The switch follows the server: it turns once the change is saved.
  await toggle.click({ force: true });
  await expect(page.getByText('Du får ikke lenger e-post når et lead tildeles deg')).toBeVisible();
  await expect(toggle).not.toBeChecked();
  await toggle.click({ force: true });
  await expect(page.getByText('Du får nå e-post når et lead tildeles deg')).toBeVisible();
  await expect(toggle).toBeChecked();
  const name = page.getByRole('textbox', { name: 'Navn', exact: true });
  await name.fill('Kari Nordmann');
  await page.getByRole('button', { name: 'Lagre' }).first().click();
  await expect(page.getByText('Navnet ditt er endret til «Kari Nordmann»')).toBeVisible();
});
