import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, type DemoUser, expect, test } from './fixtures';

/**
 * The server's first paint (decision 029): `/leads` and a lead page come drawn by the server
 * with the app's own components, and the browser takes that HTML over (hydrates it) without a
 * mismatch, then works as before.
 */

/** Signs in over HTTP: the page itself may have no JavaScript to run the sign-in form. */
async function signIn(page: Page, who: DemoUser) {
  const res = await page.request.post('/trpc/auth.login', {
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    data: { email: DEMO[who], password: DEMO_PASSWORD },
  });
  expect(res.ok()).toBe(true);
}

/** Every console message about hydration (React's mismatch errors and warnings, minified or not). */
function hydrationMessages(page: Page) {
  const messages: string[] = [];
  page.on('console', (msg) => {
    if (/hydrat|did not match|server rendered|error #(418|419|422|423|425)/i.test(msg.text()))
      messages.push(`${msg.type()}: ${msg.text()}`);
  });
  return messages;
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the grid and a lead page show their content from the server alone', async ({ page }) => {
    await signIn(page, 'subsidiaryA');
    await page.goto('/leads');
    const firstLink = page.getByRole('table').getByRole('link').first();
    await expect(firstLink).toBeVisible();
    const name = (await firstLink.textContent()) ?? '';
    expect(name.trim()).not.toBe('');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leads');

    const href = (await firstLink.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/leads\/\d+$/);
    await page.goto(href);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(name.trim());
  });
});

test('the browser takes over the drawn grid without a hydration message, and it works', async ({
  page,
}) => {
  const messages = hydrationMessages(page);
  await signIn(page, 'admin');
  await page.goto('/leads');
  // Drawn by the server: the root says so, and it already holds rows.
  await expect(page.locator('#root[data-ssr="nb"] table tbody tr').first()).toBeAttached();
  await page.waitForLoadState('networkidle');
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(50);

  // Sorting by name reorders the rows the app now owns: its page comes from the API, and the
  // first row changes (the drawn page is newest first; the seed's newest lead is not the first
  // by name).
  const drawnFirst = await rows.first().getByRole('link').getAttribute('href');
  await page.getByRole('button', { name: /^Navn/ }).click();
  await expect(page).toHaveURL(/sort=name/);
  await expect(rows.first().getByRole('link')).not.toHaveAttribute('href', drawnFirst ?? '');
  await expect(page.getByRole('table').locator('xpath=..')).toHaveAttribute('aria-busy', 'false');
  // The link and its name read together, and that very link clicked: a render between a read
  // and a click of "the first row" would open another lead than the one read.
  const first = await rows
    .first()
    .getByRole('link')
    .evaluate((a) => ({ href: a.getAttribute('href') ?? '', name: (a.textContent ?? '').trim() }));
  await page.locator(`tbody a[href="${first.href}"]`).first().click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(first.name);
  expect(messages).toEqual([]);
});

test('a drawn lead page is taken over without a hydration message, and passes axe', async ({
  page,
}) => {
  const messages = hydrationMessages(page);
  await signIn(page, 'subsidiaryA');
  await page.goto('/leads');
  await page.waitForLoadState('networkidle');
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations).toEqual([]);
  const href = await page.getByRole('table').getByRole('link').first().getAttribute('href');
  await page.goto(href ?? '');
  await expect(page.locator('#root[data-ssr="nb"] h1')).toBeAttached();
  await page.waitForLoadState('networkidle');
  await expect(page.getByText('Videresending', { exact: true })).toBeVisible();
  const lead = await new AxeBuilder({ page }).analyze();
  expect(lead.violations).toEqual([]);
  expect(messages).toEqual([]);
});

test('a drawn page brings its stylesheets in its head and never fetches them', async ({ page }) => {
  await signIn(page, 'admin');
  const sheets: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'stylesheet') sheets.push(new URL(request.url()).pathname);
  });
  await page.goto('/leads');
  await expect(page.locator('#root[data-ssr="nb"] table tbody tr').first()).toBeAttached();
  await page.waitForLoadState('networkidle');
  // The app is running, then opens a lead: its screen's chunks name some of the same sheets.
  await page.getByRole('table').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await page.waitForLoadState('networkidle');
  const inline = await page
    .locator('head style[data-href]')
    .evaluateAll((styles) => styles.map((style) => style.getAttribute('data-href')));
  expect(inline).toContain(inline.find((href) => href?.includes('/index-')));
  expect(inline.length).toBeGreaterThan(2);
  expect(sheets.filter((sheet) => inline.includes(sheet))).toEqual([]);
  // And they apply: Mantine's theme variables and its body font are there.
  await expect(page.locator('body')).toHaveCSS('font-family', /system-ui|sans-serif/);
});

test('a phone hydrates the desktop drawing, then shows cards', async ({ page }) => {
  const messages = hydrationMessages(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'admin');
  await page.goto('/leads');
  await page.waitForLoadState('networkidle');
  await expect(page.getByRole('table')).toHaveCount(0);
  await expect(page.getByRole('link').filter({ hasText: /\S/ }).first()).toBeVisible();
  expect(messages).toEqual([]);
});
