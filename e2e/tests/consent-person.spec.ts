import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect as baseExpect, loginAs, test } from './fixtures';

/**
 * Pages here render after several queries on a machine shared with other runs: a longer wait
 * per assertion than the config's 7 s, so a slow render is not taken for a missing element.
 */
const expect = baseExpect.configure({ timeout: 20_000 });

/** The e2e server's OUTBOX_DIR (playwright.config.ts), where mail lands as .eml files. */
const OUTBOX = join(dirname(fileURLToPath(import.meta.url)), '..', '.e2e-data', 'outbox');
const OPEN_STATUSES = /^(Planlegging|Forhåndssalg|I salg)$/;

/** Every .eml in the outbox, quoted-printable soft breaks joined. */
async function outboxMails(): Promise<string[]> {
  const names = await readdir(OUTBOX).catch(() => [] as string[]);
  return Promise.all(
    names
      .filter((name) => name.endsWith('.eml'))
      .map(async (name) => (await readFile(join(OUTBOX, name), 'utf8')).replace(/=\r?\n/g, '')),
  );
}

/** The first link matching `pattern` in a mail to `email` that has it (and is not in `seen`). */
async function linkInMail(email: string, pattern: RegExp, seen: string[] = []): Promise<string> {
  let link = '';
  await expect
    .poll(
      async () => {
        for (const mail of await outboxMails()) {
          if (!mail.includes(`To: ${email}`)) continue;
          const found = pattern.exec(mail)?.[0];
          if (found && !seen.includes(found)) link = found;
        }
        return link !== '';
      },
      { timeout: 20_000, message: `a mail to ${email} with ${pattern}` },
    )
    .toBe(true);
  return link;
}

/** The signed-in subsidiary user's own project that takes forms: its hosted form's path. */
async function openOwnForm(page: Page): Promise<string> {
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
    return (await formLink.getAttribute('href')) ?? '';
  }
  throw new Error('no project open for intake in the demo data');
}

async function submitForm(
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
  await expect(visitor.getByRole('heading', { name: 'Takk for interessen!' })).toBeVisible();
}

/** Open the lead called `name` from the grid; returns its consent region. */
async function openLead(page: Page, name: string) {
  await page.goto('/leads');
  await page.getByRole('searchbox', { name: 'Søk' }).fill(name);
  await expect(page).toHaveURL(/[?&]q=/);
  await page.getByRole('table').getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  return page.getByRole('region', { name: 'Samtykke til markedsføring' });
}

test('one unsubscribe reaches the person at both subsidiaries; a new form waits for the confirmation link', async ({
  page,
  browser,
  baseURL,
}) => {
  // Three forms, two staff sessions and a visitor: a long story, given a longer budget.
  test.slow();
  const suffix = Date.now().toString(36);
  const email = `per.person.${suffix}@example.no`;
  const phone = `9${String(Date.now()).slice(-7)}`;
  const nameA = `Pia Person${suffix}`;
  const nameB = `Pia Personsen${suffix}`;
  const nameAgain = `Pia Igjen${suffix}`;

  await loginAs(page, 'subsidiaryA');
  const formA = await openOwnForm(page);
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await loginAs(other, 'subsidiaryB');
  const formB = await openOwnForm(other);

  // The same person sends a form to a project of each subsidiary, e-mail marketing ticked.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await submitForm(visitor, formA, { name: nameA, email, phone });
  await submitForm(visitor, formB, { name: nameB, email: email.toUpperCase(), phone });

  // Both leads consent.
  const consentA = await openLead(page, nameA);
  await expect(consentA.getByText('Gitt', { exact: true }).first()).toBeVisible();
  const consentB = await openLead(other, nameB);
  await expect(consentB.getByText('Gitt', { exact: true }).first()).toBeVisible();

  // Unsubscribe through one receipt's link.
  const unsubscribe = await linkInMail(
    email,
    new RegExp(`${baseURL}/unsubscribe/[a-z2-7]{32}`.replaceAll('.', '\\.')),
  );
  await visitor.goto(unsubscribe);
  await visitor.getByRole('button', { name: 'Meld meg av' }).click();
  await expect(visitor.getByRole('heading', { name: 'Du er meldt av' })).toBeVisible();

  // Both leads show the withdrawal, each at its own subsidiary.
  for (const [p, region] of [
    [page, consentA],
    [other, consentB],
  ] as const) {
    await p.reload();
    await expect(region.getByText('Trukket', { exact: true }).first()).toBeVisible();
    await expect(region.getByRole('table').getByRole('row').nth(1)).toContainText(
      'Avmeldingslenke',
    );
  }

  // A new form ticking consent from the suppressed address: stored, but not in force.
  await submitForm(visitor, formA, { name: nameAgain, email, phone });
  const consentAgain = await openLead(page, nameAgain);
  await expect(consentAgain.getByText('Sperret', { exact: true }).first()).toBeVisible();
  await expect(consentAgain.getByText('Gitt', { exact: true })).toHaveCount(0);

  // Its receipt carries the confirmation link. Opening it (a link scanner) changes nothing.
  const confirm = await linkInMail(
    email,
    new RegExp(`${baseURL}/confirm-consent/[a-z2-7]{32}`.replaceAll('.', '\\.')),
  );
  await visitor.goto(confirm);
  await expect(visitor.getByRole('heading', { name: 'Bekreft samtykke' })).toBeVisible();
  await page.reload();
  await expect(consentAgain.getByText('Sperret', { exact: true }).first()).toBeVisible();

  // The person confirms: the new lead consents, recorded as its own event.
  await visitor.getByRole('button', { name: 'Ja, jeg vil ha dem' }).click();
  await expect(
    visitor.getByRole('heading', { name: 'Takk, samtykket er registrert' }),
  ).toBeVisible();
  await page.reload();
  await expect(consentAgain.getByText('Gitt', { exact: true }).first()).toBeVisible();
  await expect(consentAgain.getByRole('table').getByRole('row').nth(1)).toContainText(
    'Bekreftet via lenke i e-post',
  );
  // The link works once.
  await visitor.goto(confirm);
  await expect(visitor.getByRole('heading', { name: 'Lenken virker ikke lenger' })).toBeVisible();
  await visitorContext.close();
  await otherContext.close();
});
