import type { Page } from '@playwright/test';
import { expect, loginAs, test } from './fixtures';

/**
 * The dashboard draws a long period by calendar month (decision 032) and a short one by week,
 * labelled in the UI's language: "des. 2026" / "Dec 2026", "Uke fra …" / "Week of …".
 * Full-page screenshots at both sizes of each, for a person to look at.
 */

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

async function screenshots(page: Page, what: string) {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.screenshot({
      path: `test-results/screens/${what}-${size.name}.png`,
      fullPage: true,
    });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** An Oslo calendar day `days` before today, as the URL takes it. */
function daysAgo(days: number) {
  const at = new Date(Date.now() - days * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(at);
}

const NB_MONTH = /^(jan\.|feb\.|mars|apr\.|mai|juni|juli|aug\.|sep\.|okt\.|nov\.|des\.) \d{4}$/;
const EN_MONTH = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec) \d{4}$/;

/**
 * The chart's x-axis labels that are drawn: the SVG's texts less the y-axis' numbers (the
 * legend is HTML beside the SVG).
 */
async function axisLabels(page: Page) {
  const texts = page.getByRole('img', { name: /Stolpediagram|Bar chart/ }).locator('svg text');
  await expect(texts.first()).toBeVisible();
  const labels = (await texts.allTextContents())
    .map((t) => t.trim())
    .filter((t) => t !== '' && !/^[\d\s\u00a0]+$/.test(t));
  expect(labels.length).toBeGreaterThan(1);
  return labels;
}

test.use({ viewport: { width: 1440, height: 900 } });
test.describe.configure({ timeout: 120_000 });

test('a long period is drawn by month, a short one by week, in Norwegian and English', async ({
  page,
}) => {
  await loginAs(page, 'admin');
  const from = daysAgo(400);
  const to = daysAgo(0);
  await page.goto(`/dashboard?from=${from}&to=${to}`);
  const byMonth = page.getByRole('heading', { name: 'Leads per måned etter datterselskap' });
  await expect(byMonth).toBeVisible({ timeout: 20_000 });
  const nb = await axisLabels(page);
  expect(nb.length).toBeGreaterThan(0);
  for (const label of nb) expect(label).toMatch(NB_MONTH);
  await expect(
    page.getByRole('img', { name: /Stolpediagram over leads per måned, \d+ måneder/ }),
  ).toBeVisible();
  await screenshots(page, 'dashboard-months-nb');

  await page.goto('/dashboard');
  await expect(
    page.getByRole('heading', { name: 'Leads per uke etter datterselskap' }),
  ).toBeVisible();
  for (const label of await axisLabels(page)) expect(label).toMatch(/^Uke fra /);
  await screenshots(page, 'dashboard-weeks-nb');

  await page.getByRole('button', { name: /Bytt språk/ }).click();
  await page.locator('[role="menuitem"][lang="en"]').click();
  await expect(page.getByRole('heading', { name: 'Leads per week by subsidiary' })).toBeVisible();
  for (const label of await axisLabels(page)) expect(label).toMatch(/^Week of /);
  await screenshots(page, 'dashboard-weeks-en');

  await page.goto(`/dashboard?from=${from}&to=${to}`);
  await expect(page.getByRole('heading', { name: 'Leads per month by subsidiary' })).toBeVisible();
  for (const label of await axisLabels(page)) expect(label).toMatch(EN_MONTH);
  await screenshots(page, 'dashboard-months-en');
});

test('a subsidiary’s long period is drawn by month per project', async ({ page }) => {
  await loginAs(page, 'subsidiaryA');
  await page.goto(`/dashboard?from=${daysAgo(500)}&to=${daysAgo(0)}`);
  await expect(page.getByRole('heading', { name: 'Leads per måned etter prosjekt' })).toBeVisible({
    timeout: 20_000,
  });
  for (const label of await axisLabels(page)) expect(label).toMatch(NB_MONTH);
  await screenshots(page, 'dashboard-months-subsidiary-nb');
});
