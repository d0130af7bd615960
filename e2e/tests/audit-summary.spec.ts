import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, loginAs, test } from './fixtures';

/** No accessibility violation that axe rates serious or critical. */
async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(bad, 'serious or critical axe violations').toEqual([]);
}

/** Semicolon-separated, quoted fields with doubled quotes, CRLF: what Norwegian Excel reads. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ';') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

test('the auditor finds who has seen a lead, exports the filtered log, and finds the export', async ({
  page,
}) => {
  test.setTimeout(90_000);
  // Kari (Fjordbygg) opens one of her leads; Per (Nordlys Bolig) tries the same lead.
  await loginAs(page, 'subsidiaryA');
  await page.goto('/leads');
  const link = page.getByRole('table').getByRole('link').first();
  const leadId = Number((await link.getAttribute('href'))?.split('/').pop());
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/leads/${leadId}$`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  await page.context().clearCookies();
  await loginAs(page, 'subsidiaryB');
  await page.goto(`/leads/${leadId}`);
  await expect(page.getByText(/finnes ikke|ikke funnet/i).first()).toBeVisible();

  await page.context().clearCookies();
  await page.setViewportSize({ width: 1440, height: 900 });
  await loginAs(page, 'auditor');
  await page.goto(`/audit?type=lead&target=${leadId}`);

  // The summary answers the question above the raw entries.
  const summary = page.getByRole('region', { name: `Hvem har sett eller endret lead #${leadId}` });
  await expect(summary).toBeVisible();
  const kari = summary.getByRole('listitem').filter({ hasText: 'Kari Nordmann' });
  await expect(kari.filter({ hasText: 'Så lead' }).first()).toBeVisible();
  await expect(kari.first()).toContainText(/\d+ gang/);
  await expect(kari.first()).toContainText('Oppfølging');
  await expect(kari.first()).toContainText('Første');
  const per = summary.getByRole('listitem').filter({ hasText: 'Per Johansen' });
  await expect(per).toContainText('Forsøkte å se lead – avvist');
  await expect(per).toContainText('Avvist');
  await expect(per).toContainText(/\d+ gang/);

  // The raw entries say the refused read was an attempt, and the details are a list.
  const table = page.getByRole('table');
  const refused = table.getByRole('row').filter({ hasText: 'Per Johansen' });
  await expect(refused.filter({ hasText: 'Forsøkte å se lead – avvist' }).first()).toBeVisible();
  await refused
    .first()
    .getByRole('button', { name: /Vis detaljer/ })
    .click();
  await expect(page.getByRole('definition').first()).toBeVisible();
  await expect(page.getByRole('term').filter({ hasText: 'Årsak' }).first()).toBeVisible();

  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/audit-summary-desktop.png', fullPage: true });

  // The export is the filtered log, for a Norwegian Excel.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Eksporter CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^tilgangslogg-\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = await readFile(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  expect(header?.slice(0, 5)).toEqual(['Oppføring', 'Tidspunkt', 'Bruker', 'Rolle', 'Handling']);
  expect(rows.length).toBeGreaterThan(1);
  for (const row of rows) expect(row[7]?.split(', ')).toContain(String(leadId));
  expect(rows.some((row) => row[2] === 'Per Johansen' && row[9] === 'Avvist')).toBe(true);

  // The export itself is in the log.
  await page.goto('/audit?action=audit.export');
  await expect(
    page.getByRole('table').getByRole('row').filter({ hasText: 'Marte Lie' }).filter({
      hasText: 'Eksporterte tilgangsloggen',
    }),
  ).toHaveCount(1);

  // The integrity result says when it was checked and where the chain ends.
  await page.getByRole('button', { name: 'Verifiser integritet' }).click();
  await expect(page.getByText(/^Kontrollert \d/)).toBeVisible();
  await expect(page.getByText(/Kjedens siste oppføring: #\d+, [0-9a-f]{16}…/)).toBeVisible();

  // On a phone, every entry shows who.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/audit?type=lead&target=${leadId}`);
  await expect(summary).toBeVisible();
  const cards = page.getByRole('list', { name: 'Oppføringer' }).getByRole('listitem');
  await expect(cards.first()).toBeVisible();
  await expect(cards.filter({ hasText: 'Bruker: Per Johansen' }).first()).toBeVisible();
  await expect(
    cards.filter({ hasText: 'Bruker: Kari Nordmann' }).filter({ hasText: 'Så lead' }).first(),
  ).toBeVisible();
  const overflow = await page
    .locator('html')
    .evaluate((html) => html.scrollWidth - html.clientWidth);
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/audit-summary-phone.png', fullPage: true });
});
