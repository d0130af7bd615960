import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, loginAs, test } from './fixtures';

/** No accessibility violation that axe rates serious or critical. */
async function expectAccessible(page: Page, what: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(bad, `serious or critical axe violations on ${what}`).toEqual([]);
}

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Axe at both sizes, with a full-page screenshot of each for a person to look at. */
async function checkBothSizes(page: Page, what: string) {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await expectAccessible(page, `${what} (${size.name})`);
    await page.screenshot({
      path: `test-results/screens/${what}-${size.name}.png`,
      fullPage: true,
    });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** "1 587 leads" with the no-break space Intl puts in, as one plain string. */
const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

test.use({ viewport: { width: 1440, height: 900 } });
// Axe and full-page screenshots at two sizes take a while on a shared 2-core machine.
test.describe.configure({ timeout: 120_000 });

test('projects: search, and a lead count that lands on the filtered grid', async ({ page }) => {
  await loginAs(page, 'admin');
  await page.goto('/projects');
  const table = page.getByRole('table', { name: 'Prosjekter' });
  const firstName = plain(
    await table.getByRole('row').nth(1).getByRole('link').first().textContent(),
  );
  expect(firstName).not.toBe('');

  const search = page.getByRole('searchbox', { name: 'Søk i prosjekter' });
  await search.fill(firstName);
  await expect(page).toHaveURL(/[?&]q=/);
  const rows = table.getByRole('row');
  await expect(rows.nth(1).getByRole('link', { name: firstName, exact: true })).toBeVisible();
  await checkBothSizes(page, 'projects-search');

  // Every remaining row matches what was typed.
  const shown = await table.locator('tbody tr').count();
  expect(shown).toBeGreaterThan(0);
  await search.fill('ingen slike prosjekter zzz');
  await expect(page.getByText('Ingen prosjekter passer')).toBeVisible();
  await search.fill(firstName);

  const row = table
    .locator('tbody tr')
    .filter({ has: page.getByRole('link', { name: firstName, exact: true }) });
  const countLink = row.getByRole('link', { name: /^[\d\s]+ leads?$/ });
  const countText = plain(await countLink.textContent());
  expect(countText).toMatch(/^\d{1,3}( \d{3})* leads?$/);
  await countLink.click();
  await expect(page).toHaveURL(/\/leads\?project=\d+$/);
  // The grid's total is the number the link showed.
  await expect(page.getByText(countText, { exact: true }).first()).toBeVisible();
});

test("a subsidiary user's project counts are their own leads", async ({ page }) => {
  await loginAs(page, 'subsidiaryA');
  await page.goto('/projects');
  const table = page.getByRole('table', { name: 'Prosjekter' });
  // Everything here is Fjordbygg's: no subsidiary column.
  await expect(table.getByRole('columnheader', { name: 'Datterselskap' })).toHaveCount(0);
  const countLink = table.getByRole('link', { name: /^[\d\s]+ leads?$/ }).first();
  const countText = plain(await countLink.textContent());
  await countLink.click();
  await expect(page).toHaveURL(/\/leads\?project=\d+$/);
  await expect(page.getByText(countText, { exact: true }).first()).toBeVisible();
});

test('subsidiary page: its projects, lead counts and users', async ({ page }) => {
  await loginAs(page, 'admin');
  await page.goto('/subsidiaries');
  await page.getByRole('link', { name: 'Fjordbygg AS' }).click();
  await expect(page).toHaveURL(/\/subsidiaries\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Fjordbygg AS' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Prosjekter' })).toBeVisible();
  const users = page.getByRole('table', { name: 'Brukere' });
  await expect(users.getByText('Kari Nordmann')).toBeVisible();
  await expect(users.getByText('Ole Hansen')).toBeVisible();
  await expect(users.getByText('Per Johansen')).toHaveCount(0);
  await checkBothSizes(page, 'subsidiary-page');

  const total = page
    .getByRole('main')
    .getByRole('link', { name: /^[\d\s]+ leads?$/ })
    .first();
  const totalText = plain(await total.textContent());
  await total.click();
  await expect(page).toHaveURL(/\/leads\?subsidiary=\d+$/);
  await expect(page.getByText(totalText, { exact: true }).first()).toBeVisible();
});

test('subsidiary page without the right to read users shows no users', async ({ page }) => {
  await loginAs(page, 'subsidiaryA');
  await page.goto('/subsidiaries');
  await page.getByRole('link', { name: 'Fjordbygg AS' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Fjordbygg AS' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Prosjekter' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Brukere' })).toHaveCount(0);
  // Another subsidiary's page is simply not there.
  const other = new URL(page.url());
  other.pathname = '/subsidiaries/999999';
  await page.goto(other.toString());
  await expect(page.getByRole('heading', { name: 'Fant ikke datterselskapet' })).toBeVisible();
});

test('dashboard rows link to the leads behind them', async ({ page }) => {
  await loginAs(page, 'admin');
  await page.goto('/dashboard');
  // The chart library loads with the page: give the first load time on a busy machine.
  await expect(page.getByRole('heading', { level: 2, name: 'Status' })).toBeVisible({
    timeout: 20_000,
  });
  await checkBothSizes(page, 'dashboard');

  const status = page.getByRole('region', { name: 'Status' });
  const row = status.getByRole('row').filter({ has: page.getByRole('link', { name: 'Ny' }) });
  const count = plain(await row.getByRole('cell').last().textContent());
  await status.getByRole('link', { name: 'Ny', exact: true }).click();
  await expect(page).toHaveURL(/\/leads\?status=new&from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
  await expect(page.getByText(new RegExp(`^${count} leads?$`)).first()).toBeVisible();

  await page.goBack();
  const bySubsidiary = page.getByRole('region', { name: 'Per datterselskap' });
  await bySubsidiary.getByRole('link', { name: 'Fjordbygg AS' }).click();
  await expect(page).toHaveURL(/\/leads\?subsidiary=\d+&from=.+&to=.+$/);

  await page.goBack();
  const byProject = page.getByRole('region', { name: 'Per prosjekt' });
  await byProject.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/leads\?project=\d+&from=.+&to=.+$/);
});

test('a new policy version starts from the text in force', async ({ page }) => {
  await loginAs(page, 'privacy_officer');
  await page.goto('/policy');
  await page.getByRole('button', { name: 'Publiser ny versjon' }).click();
  const dialog = page.getByRole('dialog', { name: 'Publiser ny versjon' });
  const body = dialog.getByRole('textbox', { name: 'Tekst' });
  await expect(body).not.toHaveValue('');
  expect((await body.inputValue()).length).toBeGreaterThan(500);
  await expect(dialog.getByText('Teksten er hentet fra versjon 2024-06-17')).toBeVisible();
  await checkBothSizes(page, 'policy-publish');
});

/** Every .eml in the e2e server's outbox (playwright.config.ts), soft line breaks joined. */
async function outboxMails(): Promise<string[]> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '.e2e-data', 'outbox');
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(
    names
      .filter((name) => name.endsWith('.eml'))
      .map(async (name) => (await readFile(join(dir, name), 'utf8')).replace(/=\r?\n/g, '')),
  );
}

test('an already-unsubscribed person is told so, without the button', async ({
  page,
  browser,
  baseURL,
}) => {
  // A form that takes interest: one of Fjordbygg's projects on sale, found in the list.
  await loginAs(page, 'subsidiaryA');
  await page.goto('/projects');
  const open = page
    .getByRole('table', { name: 'Prosjekter' })
    .locator('tbody tr')
    .filter({ hasText: /I salg|Forhåndssalg/ })
    .first();
  await open.getByRole('link').first().click();
  const formPath =
    (await page.getByRole('link', { name: /Åpne skjemaet/ }).getAttribute('href')) ?? '';
  expect(formPath).toMatch(/^\/skjema\//);

  const email = `avmeldt-${Date.now()}@example.no`;
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await visitor.goto(formPath);
  await visitor.getByLabel('Navn', { exact: true }).fill('Avmeldt Person');
  await visitor.getByLabel('E-post', { exact: true }).fill(email);
  await visitor.getByLabel('Telefon', { exact: true }).fill('912 34 567');
  await visitor.getByRole('checkbox', { name: /nyheter og tilbud .* på e-post/ }).check();
  await visitor.getByRole('button', { name: 'Send interessemelding' }).click();
  await expect(visitor).toHaveURL(/\/takk/);

  const pattern = new RegExp(`${baseURL}/unsubscribe/[a-z2-7]{32}`.replaceAll('.', '\\.'));
  let link = '';
  await expect
    .poll(
      async () => {
        const mail = (await outboxMails()).find((m) => m.includes(`To: ${email}`));
        link = (mail && pattern.exec(mail)?.[0]) || '';
        return link;
      },
      { timeout: 20_000 },
    )
    .not.toBe('');

  await visitor.goto(link);
  await visitor.getByRole('button', { name: 'Meld meg av' }).click();
  await expect(visitor.getByRole('heading', { name: 'Du er meldt av' })).toBeVisible();

  // The same link again: nothing left to do, and no button that seems to do something.
  await visitor.goto(link);
  await expect(visitor.getByRole('heading', { name: 'Du er allerede meldt av' })).toBeVisible();
  await expect(visitor.getByRole('button')).toHaveCount(0);
  await expect(visitor).toHaveTitle(/Mestergruppen Eiendom/);
  await checkBothSizes(visitor, 'unsubscribe-already');
  await visitorContext.close();
});
