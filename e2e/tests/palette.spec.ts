import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect as baseExpect, loginAs, test } from './fixtures';

// Generous waits: these specs share two cores with everything else running on the machine.
const expect = baseExpect.configure({ timeout: 20_000 });

/** No accessibility violation that axe rates serious or critical. */
async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(bad, 'serious or critical axe violations').toEqual([]);
}

type Entry = { action: string; detail: unknown; targetIds: unknown };

/** The newest access-log entries, read as the admin (auditors and admins hold audit:read). */
async function auditEntries(page: Page, action: string): Promise<Entry[]> {
  const input = encodeURIComponent(JSON.stringify({ action, limit: 20 }));
  const res = await page.request.get(`/trpc/audit.list?input=${input}`);
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as { result: { data: { items: Entry[] } } };
  return body.result.data.items;
}

/** A lead of the grid's first page: its number and name, as the grid shows them. */
async function someLead(page: Page): Promise<{ id: number; name: string }> {
  await page.goto('/leads');
  // Other specs anonymise leads; those have no name to search by, so take a named one.
  const link = page
    .getByRole('table')
    .getByRole('link')
    .filter({ hasNotText: /Anonymisert/ })
    .nth(3);
  // The first grid load after the server starts can be slow on a busy machine.
  await expect(link).toBeVisible({ timeout: 20_000 });
  const name = (await link.textContent())?.trim() ?? '';
  const href = (await link.getAttribute('href')) ?? '';
  return { id: Number(href.split('/').pop()), name };
}

const palette = (page: Page) =>
  page.getByRole('dialog').filter({ has: page.getByRole('textbox', { name: 'Hurtigsøk' }) });

test('Ctrl+K finds a lead by number and by name; Enter opens it; the search is logged as "searched"', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await loginAs(page, 'admin');
  const lead = await someLead(page);
  await expect(page).toHaveTitle('Leads · MG Leads');

  // By number, from anywhere on the page (even from inside the grid's search box).
  await page.getByRole('searchbox').or(page.locator('main input[type="search"]')).first().focus();
  await page.keyboard.press('Control+k');
  const search = page.getByRole('textbox', { name: 'Hurtigsøk' });
  await expect(search).toBeFocused();
  await search.fill(String(lead.id));
  await expect(palette(page).getByText(`Lead ${lead.id} ·`).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/palette-1440.png' });
  await expectAccessible(page);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/leads/${lead.id}$`));
  // The tab says the number, not the person's name.
  await expect(page).toHaveTitle(`Lead ${lead.id} · MG Leads`);

  // By name, from the lead page: the first hit is the lead, and Enter opens it.
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await page.keyboard.press('Control+k');
  await expect(search).toBeFocused();
  await search.fill(lead.name);
  await expect(
    palette(page)
      .getByRole('button', { name: new RegExp(lead.name) })
      .first(),
  ).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: lead.name })).toBeVisible();
  await expect(page).toHaveTitle(/^Lead \d+ · MG Leads$/);

  // Logged like the grid's search: "searched", with the ids shown, never the words typed.
  const entries = await auditEntries(page, 'palette.search');
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) {
    expect(JSON.stringify(entry.detail)).toContain('"searched":true');
    expect(JSON.stringify(entry.detail)).not.toContain(lead.name);
  }
  expect(entries.some((e) => JSON.stringify(e.targetIds).includes(String(lead.id)))).toBe(true);
});

test('the palette jumps to a screen or project; "/" focuses the grid search, or opens the palette', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await loginAs(page, 'subsidiaryA');
  await page.goto('/leads');
  const gridSearch = page.locator('main input[type="search"]').first();
  await expect(gridSearch).toBeVisible();
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('/');
  await expect(gridSearch).toBeFocused();

  // A page without a search box: "/" opens the palette.
  await page.goto('/sessions');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('/');
  const search = page.getByRole('textbox', { name: 'Hurtigsøk' });
  await expect(search).toBeFocused();
  // A subsidiary user is offered their screens, not the admin's.
  await expect(palette(page).getByRole('button', { name: 'Brukere' })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/palette-390.png' });
  await expectAccessible(page);
  await search.fill('prosj');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page).toHaveTitle('Prosjekter · MG Leads');

  // The header button opens it too (phones have no Ctrl+K).
  await page.getByRole('button', { name: 'Hurtigsøk (Ctrl+K)' }).click();
  await expect(search).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(search).toBeHidden();
});

test('after a navigation the new page heading has focus and the tab its title', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await loginAs(page, 'admin');
  await page.goto('/leads');
  await expect(page).toHaveTitle('Leads · MG Leads');

  await page.getByRole('navigation').getByRole('link', { name: 'Prosjekter' }).click();
  await expect(page).toHaveTitle('Prosjekter · MG Leads');
  await expect(page.getByRole('heading', { level: 1, name: 'Prosjekter' })).toBeFocused();

  await page.getByRole('navigation').getByRole('link', { name: 'Leads' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Leads' })).toBeFocused();
  // A lead opened from the grid: its heading, once the lead has loaded.
  await page.getByRole('table').getByRole('link').first().click();
  await expect(page).toHaveTitle(/^Lead \d+ · MG Leads$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
});
