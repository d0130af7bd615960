import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, loginAs, test } from './fixtures';

/** The e2e server's OUTBOX_DIR (playwright.config.ts), where mail lands as .eml files. */
const OUTBOX = join(dirname(fileURLToPath(import.meta.url)), '..', '.e2e-data', 'outbox');

/** Statuses that take new forms (PROJECT_STATUSES_OPEN_FOR_INTAKE), as the projects table shows them. */
const OPEN_STATUSES = /^(Planlegging|Forhåndssalg|I salg)$/;

/** Every .eml in the outbox, decoded enough to search (quoted-printable soft breaks joined). */
async function outboxMails(): Promise<string[]> {
  const names = await readdir(OUTBOX).catch(() => [] as string[]);
  return Promise.all(
    names
      .filter((name) => name.endsWith('.eml'))
      .map(async (name) => (await readFile(join(OUTBOX, name), 'utf8')).replace(/=\r?\n/g, '')),
  );
}

/** A Fjordbygg project whose form is open, found the way its user would: in the projects list. */
async function openFjordbyggForm(page: Page): Promise<string> {
  await page.goto('/projects');
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows.nth(1)).toBeVisible();
  const count = await rows.count();
  for (let i = 1; i < count; i++) {
    const row = rows.nth(i);
    const cells = await row.getByRole('cell').allInnerTexts();
    if (!cells.some((text) => OPEN_STATUSES.test(text.trim()))) continue;
    await row.getByRole('link').first().click();
    const formLink = page.getByRole('link', { name: /Åpne skjemaet/ });
    await expect(formLink).toBeVisible();
    await expect(page.getByRole('button', { name: 'Kopier lenke' })).toBeVisible();
    const href = await formLink.getAttribute('href');
    expect(href).toMatch(/^\/skjema\/[a-z0-9-]+$/);
    return href ?? '';
  }
  throw new Error('Fjordbygg AS has no project open for intake in the demo data');
}

async function searchLeads(page: Page, text: string) {
  await page.goto('/leads');
  await page.getByRole('searchbox', { name: 'Søk' }).fill(text);
  await expect(page).toHaveURL(/[?&]q=/);
}

/** A visitor (no login) sends the hosted form with e-mail marketing ticked. */
async function submitHostedForm(
  visitor: Page,
  formPath: string,
  person: { name: string; email: string; phone: string },
) {
  await visitor.goto(formPath);
  await visitor.getByLabel('Navn', { exact: true }).fill(person.name);
  await visitor.getByLabel('E-post', { exact: true }).fill(person.email);
  await visitor.getByLabel('Telefon', { exact: true }).fill(person.phone);
  await visitor.getByRole('checkbox', { name: /nyheter og tilbud .* på e-post/ }).check();
  await visitor.getByRole('button', { name: 'Send interessemelding' }).click();
  await expect(visitor).toHaveURL(/\/takk/);
}

test('a visitor’s form reaches only Fjordbygg, the notice holds no personal data, and staff record a withdrawal', async ({
  page,
  browser,
  baseURL,
}) => {
  const suffix = Date.now().toString(36);
  const name = `Sigrid Samtykke${suffix}`;
  const email = `sigrid.${suffix}@example.no`;
  const digits = `9${String(Date.now()).slice(-7)}`;
  const phone = `${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`;

  await loginAs(page, 'subsidiaryA');
  const formPath = await openFjordbyggForm(page);

  // The visitor: no login, e-mail marketing ticked.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await submitHostedForm(visitor, formPath, { name, email, phone });
  await expect(visitor.getByRole('heading', { name: 'Takk for interessen!' })).toBeVisible();
  await expect(visitor.getByRole('status')).toContainText('Fjordbygg AS');
  await visitorContext.close();

  // Kari (Fjordbygg AS) finds it.
  await searchLeads(page, name);
  const leadLink = page.getByRole('table').getByRole('link', { name });
  await expect(leadLink).toBeVisible();
  await leadLink.click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  const leadId = Number(page.url().split('/').pop());

  // Per (Nordlys Bolig AS) does not: not in his list, and the page answers "not found".
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await loginAs(other, 'subsidiaryB');
  await searchLeads(other, name);
  await expect(other.getByText('Ingen leads passer filteret')).toBeVisible();
  await expect(other.getByRole('link', { name })).toHaveCount(0);
  await other.goto(`/leads/${leadId}`);
  await expect(other.getByText('Fant ikke leadet')).toBeVisible();
  await otherContext.close();

  // The notice to Fjordbygg: a link to the lead, and nothing about the person.
  const leadUrl = new RegExp(`/leads/${leadId}(?!\\d)`);
  let mail = '';
  await expect
    .poll(
      async () => {
        mail = (await outboxMails()).find((text) => leadUrl.test(text)) ?? '';
        return mail !== '';
      },
      { timeout: 20_000, message: `an .eml in ${OUTBOX} linking to /leads/${leadId}` },
    )
    .toBe(true);
  expect(mail).toContain(`${baseURL}/leads/${leadId}`);
  for (const secret of [name, `Samtykke${suffix}`, email, `sigrid.${suffix}`, digits, phone])
    expect(mail, `the notice must not contain "${secret}"`).not.toContain(secret);

  // Kari's lead page: consent from the form, the policy version, and the delivered notice.
  const consent = page.getByRole('region', { name: 'Samtykke til markedsføring' });
  await expect(consent.getByText('Gitt', { exact: true }).first()).toBeVisible();
  await expect(consent.getByRole('row').nth(1)).toContainText('Skjema');
  const policyLink = page.getByRole('link', { name: /2024-06-17/ });
  await expect(policyLink).toHaveAttribute('href', '/personvern?versjon=2024-06-17');
  await expect(policyLink).toHaveAttribute('target', '_blank');
  const policyPage = await page.request.get('/personvern?versjon=2024-06-17');
  expect(policyPage.status()).toBe(200);
  expect(await policyPage.text()).toContain('Versjon 17. juni 2024');

  const forwarding = page.getByRole('region', { name: 'Videresending' });
  await expect(async () => {
    await page.reload();
    await expect(forwarding.getByText('Levert', { exact: true })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  await expect(forwarding).toContainText('Fjordbygg AS');

  // The person phoned and asked to stop: Kari records it, after a confirmation.
  await consent
    .getByRole('button', { name: 'Registrer tilbaketrekking: Markedsføring på e-post' })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Registrere tilbaketrekking av samtykke?' });
  await expect(dialog).toContainText('bedt om å trekke tilbake samtykket');
  await expect(dialog).toContainText('Kari Nordmann');
  await dialog.getByRole('button', { name: 'Registrer tilbaketrekking' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Tilbaketrekkingen er registrert')).toBeVisible();

  await expect(consent.getByText('Trukket', { exact: true }).first()).toBeVisible();
  await expect(consent.getByRole('button', { name: /Registrer tilbaketrekking/ })).toHaveCount(0);
  const history = consent.getByRole('table');
  await expect(history.getByRole('row')).toHaveCount(3);
  await expect(history.getByRole('row').nth(1)).toContainText('Trukket');
  await expect(history.getByRole('row').nth(1)).toContainText(
    'Ansatt etter forespørsel · Kari Nordmann',
  );
  await expect(history.getByRole('row').nth(2)).toContainText('Gitt');

  // It survives a reload: it was stored, not just shown.
  await page.reload();
  await expect(consent.getByText('Trukket', { exact: true }).first()).toBeVisible();
});

test('the visitor’s receipt carries an unsubscribe link: GET only asks, the button withdraws', async ({
  page,
  browser,
  baseURL,
}) => {
  const suffix = Date.now().toString(36);
  const name = `Ulrik Avmelding${suffix}`;
  const email = `ulrik.${suffix}@example.no`;
  const digits = `9${String(Date.now()).slice(-7)}`;

  await loginAs(page, 'subsidiaryA');
  const formPath = await openFjordbyggForm(page);

  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await submitHostedForm(visitor, formPath, { name, email, phone: digits });

  // The receipt to the visitor's own address, with the RFC 8058 headers and the link.
  let receipt = '';
  await expect
    .poll(
      async () => {
        receipt = (await outboxMails()).find((text) => text.includes(`To: ${email}`)) ?? '';
        return receipt !== '';
      },
      { timeout: 20_000, message: `an .eml in ${OUTBOX} to ${email}` },
    )
    .toBe(true);
  const link =
    new RegExp(`${baseURL}/unsubscribe/[a-z2-7]{32}`.replaceAll('.', '\\.')).exec(receipt)?.[0] ??
    '';
  expect(link, 'the unsubscribe link in the receipt').not.toBe('');
  // Long headers are folded onto a continuation line.
  expect(receipt.replace(/\r?\n[ \t]+/g, ' ')).toContain(`List-Unsubscribe: <${link}>`);
  expect(receipt).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);

  // Kari's lead page, for checking consent before and after.
  await searchLeads(page, name);
  await page.getByRole('table').getByRole('link', { name }).click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  const consent = page.getByRole('region', { name: 'Samtykke til markedsføring' });

  // Opening the link (as a link scanner would) only shows the question.
  await visitor.goto(link);
  await expect(
    visitor.getByRole('heading', { name: 'Meld deg av nyheter og tilbud' }),
  ).toBeVisible();
  await page.reload();
  await expect(consent.getByText('Gitt', { exact: true }).first()).toBeVisible();
  await expect(consent.getByText('Trukket', { exact: true })).toHaveCount(0);

  // The visitor confirms.
  await visitor.getByRole('button', { name: 'Meld meg av' }).click();
  await expect(visitor.getByRole('heading', { name: 'Du er meldt av' })).toBeVisible();
  await visitorContext.close();

  await page.reload();
  await expect(consent.getByText('Trukket', { exact: true }).first()).toBeVisible();
  const history = consent.getByRole('table');
  await expect(history.getByRole('row')).toHaveCount(3);
  await expect(history.getByRole('row').nth(1)).toContainText('Trukket');
  await expect(history.getByRole('row').nth(1)).toContainText('Avmeldingslenke');
  await expect(history.getByRole('row').nth(2)).toContainText('Gitt');
});

test('an unknown unsubscribe link shows a plain "does not work" page and changes nothing', async ({
  page,
}) => {
  const token = 'a'.repeat(32);
  const shown = await page.goto(`/unsubscribe/${token}`);
  expect(shown?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Lenken virker ikke' })).toBeVisible();
  const posted = await page.request.post(`/unsubscribe/${token}`, {
    form: { 'List-Unsubscribe': 'One-Click' },
  });
  expect(posted.status()).toBe(404);
});
