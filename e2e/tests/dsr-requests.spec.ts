import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, loginAs, test } from './fixtures';

/** The e2e server's OUTBOX_DIR (playwright.config.ts), where mail lands as .eml files. */
const OUTBOX = join(dirname(fileURLToPath(import.meta.url)), '..', '.e2e-data', 'outbox');

/** Every .eml in the outbox, decoded enough to search (quoted-printable soft breaks joined). */
async function outboxMails(): Promise<string[]> {
  const names = await readdir(OUTBOX).catch(() => [] as string[]);
  return Promise.all(
    names
      .filter((name) => name.endsWith('.eml'))
      .map(async (name) => (await readFile(join(OUTBOX, name), 'utf8')).replace(/=\r?\n/g, '')),
  );
}

async function mailTo(email: string, match: RegExp): Promise<string> {
  let found = '';
  await expect
    .poll(
      async () => {
        found =
          (await outboxMails()).find((text) => text.includes(`To: ${email}`) && match.test(text)) ??
          '';
        return found !== '';
      },
      { timeout: 20_000, message: `an .eml in ${OUTBOX} to ${email} matching ${match}` },
    )
    .toBe(true);
  return found;
}

test('a visitor asks for access, confirms by mail, and the privacy officer completes it', async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(120_000);
  const shoot = async (p: typeof page, name: string) => {
    for (const [w, h] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      await p.setViewportSize({ width: w, height: h });
      // Nothing may scroll sideways (the phone's navbar slides away first).
      await expect
        .poll(() => p.locator('html').evaluate((html) => html.scrollWidth), { timeout: 5_000 })
        .toBeLessThanOrEqual(w);
      await p.screenshot({ path: testInfo.outputPath(`${name}-${w}.png`), fullPage: true });
    }
    await p.setViewportSize({ width: 1280, height: 720 });
  };
  const email = `innsyn-${Date.now()}@example.no`;

  // The visitor, without a login or JavaScript-only controls.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await visitor.goto('/personvern/foresporsel');
  await expect(
    visitor.getByRole('heading', { name: 'Be om innsyn, sletting eller andre rettigheter' }),
  ).toBeVisible();
  await shoot(visitor, 'public-form');
  await visitor.getByRole('radio', { name: /^Innsyn/ }).check();
  await visitor.getByLabel('E-post', { exact: true }).fill(email);
  await visitor.getByLabel('Melding (valgfritt)').fill('Hva har dere lagret om meg?');
  await visitor.getByRole('button', { name: 'Send forespørsel' }).click();
  await expect(visitor.getByRole('heading', { name: 'Sjekk e-posten din' })).toBeVisible();

  // The confirmation link in the mail to the address given.
  const mail = await mailTo(email, /personvern\/foresporsel\/bekreft/);
  const link =
    new RegExp(
      `${baseURL}/personvern/foresporsel/bekreft/[a-z2-7]{32}`.replaceAll('.', '\\.'),
    ).exec(mail)?.[0] ?? '';
  expect(link, 'the confirmation link in the mail').not.toBe('');

  // Opening it only asks; the button confirms.
  await visitor.goto(link);
  await expect(visitor.getByRole('heading', { name: 'Bekreft forespørselen' })).toBeVisible();
  await visitor.getByRole('button', { name: 'Ja, forespørselen er fra meg' }).click();
  await expect(
    visitor.getByRole('heading', { name: 'Takk, forespørselen er bekreftet' }),
  ).toBeVisible();
  // Once only.
  await visitor.goto(link);
  await expect(visitor.getByRole('heading', { name: 'Lenken virker ikke lenger' })).toBeVisible();
  await visitorContext.close();

  // The privacy officer finds it verified in the register.
  await loginAs(page, 'privacy_officer');
  await page.getByRole('link', { name: 'Forespørsler' }).click();
  await expect(page).toHaveURL(/\/requests$/);
  await page.getByLabel('Søk', { exact: true }).fill(email);
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toBeVisible();
  await expect(row.getByText('Identitet bekreftet')).toBeVisible();
  await expect(row.getByText('Nettskjema')).toBeVisible();

  // Two requests received by phone and letter, registered by hand: one past its deadline and
  // one due within 7 days, both shown first and loudly.
  const osloDay = (daysAgo: number) => {
    const iso = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(
      new Date(Date.now() - daysAgo * 86_400_000),
    );
    const [y, m, d] = iso.split('-');
    return `${d}.${m}.${y}`;
  };
  const register = async (p: { type: string; phone: string; channel: string; daysAgo: number }) => {
    await page.goto('/requests');
    await page.getByRole('button', { name: 'Registrer forespørsel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Registrer forespørsel' });
    // No address and no phone: refused in place.
    await dialog.getByRole('button', { name: 'Registrer forespørsel' }).click();
    await expect(dialog.getByText('Fyll ut e-post eller telefon (minst én)')).toBeVisible();
    await dialog.getByRole('combobox', { name: 'Type' }).click();
    await page.getByRole('option', { name: p.type, exact: true }).click();
    await dialog.getByLabel('Telefon').fill(p.phone);
    await dialog.getByRole('combobox', { name: 'Kanal' }).click();
    await page.getByRole('option', { name: p.channel, exact: true }).click();
    const date = dialog.getByRole('textbox', { name: 'Mottatt dato' });
    await date.fill(osloDay(p.daysAgo));
    await date.blur();
    await dialog.getByRole('button', { name: 'Registrer forespørsel' }).click();
    await expect(page).toHaveURL(/\/requests\/\d+$/);
  };
  await register({ type: 'Sletting', phone: '912 34 567', channel: 'Telefon', daysAgo: 40 });
  await expect(page.getByText('Over fristen').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send bekreftelseslenke' })).toBeVisible();
  await shoot(page, 'request-open');
  await register({ type: 'Retting', phone: '+47 480 00 000', channel: 'Brev', daysAgo: 27 });
  await expect(page.getByText('Frist innen 7 dager').first()).toBeVisible();
  await page.goto('/requests');
  const firstRows = page.getByRole('table').getByRole('row');
  await expect(firstRows.nth(1)).toContainText('Over fristen');
  await expect(firstRows.nth(2)).toContainText('Frist innen 7 dager');
  await shoot(page, 'requests-list');

  await page.getByLabel('Søk', { exact: true }).fill(email);
  await row.getByRole('link').click();
  await expect(page).toHaveURL(/\/requests\/\d+$/);
  const id = Number(page.url().split('/').pop());
  await expect(page.getByRole('heading', { name: `Forespørsel #${id}: Innsyn` })).toBeVisible();
  await expect(page.getByText('Bekreftet med lenke på e-post')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Åpne personoversikt' })).toHaveAttribute(
    'href',
    `/requests/${id}/subject`,
  );

  // Start, then complete with a note of what was done.
  await page.getByRole('button', { name: 'Start behandling' }).click();
  const start = page.getByRole('dialog', { name: 'Start behandling' });
  await start.getByRole('button', { name: 'Start behandling' }).click();
  await expect(start).toBeHidden();
  const timeline = page.getByRole('region', { name: 'Historikk' });
  await expect(timeline.getByText('Status: Under behandling')).toBeVisible();

  await page.getByRole('button', { name: 'Fullfør' }).click();
  const complete = page.getByRole('dialog', { name: 'Fullfør' });
  // The note is required: an empty one is refused in place.
  await complete.getByRole('button', { name: 'Fullfør' }).click();
  await expect(complete.getByText('Må fylles ut')).toBeVisible();
  const note = 'Vi har sendt deg en oversikt over opplysningene vi har om deg.';
  await complete.getByLabel('Hva er gjort').fill(note);
  await expect(complete.getByText(`Et avslutningsbrev sendes til ${email}.`)).toBeVisible();
  await complete.getByRole('button', { name: 'Fullfør' }).click();
  await expect(complete).toBeHidden();
  await expect(timeline.getByText('Status: Fullført')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Fullfør' })).toHaveCount(0);
  // Without the notifications on top.
  await page.reload();
  await expect(timeline.getByText('Status: Fullført')).toBeVisible();
  await shoot(page, 'request-page');

  // The closing mail: what was done and the right to complain, to the person.
  const closing = await mailTo(email, /datatilsynet\.no/);
  expect(closing).toContain('Vi har sendt deg en oversikt');
  expect(closing).toContain('Mestergruppen Eiendom');

  // The dashboard card counts the two open requests, one overdue, one due soon.
  await page.goto('/dashboard');
  const card = page.getByRole('region', { name: 'Forespørsler fra registrerte' });
  await expect(card).toBeVisible();
  await expect(card.getByText('Åpne', { exact: true }).locator('xpath=..')).toContainText('2');
  await expect(card.getByText('Over fristen').locator('xpath=..')).toContainText('1');
  await expect(card.getByText('Frist innen 7 dager').locator('xpath=..')).toContainText('1');
});
