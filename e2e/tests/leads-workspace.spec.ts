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

/** A minimal CSV reader for Norwegian Excel files: quoted fields, doubled quotes, semicolons. */
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
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
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

async function choose(page: Page, label: string | RegExp, option: string) {
  await page
    .getByRole('textbox', { name: label })
    .or(page.getByRole('combobox', { name: label }))
    .first()
    .click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test('a subsidiary user works the leads grid, a lead, bulk actions and the export', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto('/login');
  await expectAccessible(page);
  await loginAs(page, 'subsidiaryA');

  // The landing page is the overview.
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByRole('heading', { name: 'Oversikt' })).toBeVisible();
  await expect(page.getByText('Leads i perioden')).toBeVisible();
  await expectAccessible(page);

  // Filter on status: the URL holds it, every row has it.
  await page.goto('/leads');
  const table = page.getByRole('table', { name: 'Leads' });
  await expect(table.getByRole('link').first()).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Status' }).click();
  // The box follows the URL a moment after the click.
  await page.getByRole('checkbox', { name: 'Ny', exact: true }).click();
  await expect(page.getByRole('checkbox', { name: 'Ny', exact: true })).toBeChecked();
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/status=new/);
  await expect(table.getByRole('row').nth(1)).toContainText('Ny');
  await expect(table.getByText('Kontaktet')).toHaveCount(0);

  // Search for a name seen in the grid.
  const firstLink = table.getByRole('link').first();
  const name = ((await firstLink.textContent()) ?? '').trim();
  await page.getByRole('searchbox', { name: 'Søk' }).fill(name);
  await expect(page).toHaveURL(/q=/);
  await expect(table.getByRole('link', { name, exact: true }).first()).toBeVisible();

  // Open the lead (Enter on the link), change status, add a note.
  await table.getByRole('link', { name, exact: true }).first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  const work = page.getByRole('region', { name: 'Oppfølging' });
  await choose(page, 'Status', 'Kontaktet');
  const activity = page.getByRole('region', { name: 'Aktivitet' });
  await expect(activity.getByText('Status endret').first()).toBeVisible();
  await expect(activity).toContainText('Ny → Kontaktet');
  const note = `Ringte kunden ${Date.now()}`;
  await work.getByRole('textbox', { name: 'Legg til notat' }).fill(note);
  await work.getByRole('textbox', { name: 'Legg til notat' }).press('Control+Enter');
  await expect(activity.getByText(note)).toBeVisible();
  await expect(activity).toContainText('Kari Nordmann');
  await expectAccessible(page);

  // Back on the grid: select two workable rows and assign them to Ole Hansen.
  await page.goto('/leads?restricted=no&anonymised=no&assignee=unassigned');
  await expect(table.getByRole('link').first()).toBeVisible();
  const names: string[] = [];
  for (const i of [0, 1]) {
    const link = table.getByRole('link').nth(i);
    const rowName = ((await link.textContent()) ?? '').trim();
    names.push(rowName);
    await page
      .getByRole('checkbox', { name: `Velg ${rowName}`, exact: true })
      .first()
      .check();
  }
  const bulk = page.getByRole('region', { name: 'Handlinger for valgte leads' });
  await expect(bulk).toContainText('2 valgt');
  await choose(page, 'Ny ansvarlig', 'Ole Hansen');
  await bulk.getByRole('button', { name: 'Tildel' }).click();
  const confirm = page.getByRole('dialog', { name: 'Endre 2 leads?' });
  await expect(confirm).toContainText('Ole Hansen');
  await confirm.getByRole('button', { name: 'Bekreft' }).click();
  await expect(page.getByText('2 leads tildelt Ole Hansen')).toBeVisible();
  // The grid filters on unassigned, so show everything again and look at the two rows.
  await page.goto('/leads?restricted=no&anonymised=no');
  for (const rowName of names) {
    const row = table
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: rowName, exact: true }) });
    await expect(row.first()).toContainText('Ole Hansen');
  }

  // Export with the id and subsidiary columns added through the column chooser.
  await page.getByRole('button', { name: 'Kolonner' }).click();
  // The URL is the state, and a router navigation settles a moment after the click.
  for (const column of ['ID', 'Datterselskap']) {
    const box = page.getByRole('checkbox', { name: column, exact: true });
    await box.click();
    await expect(box).toBeChecked();
  }
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/cols=.*id/);
  const totalText =
    (await page
      .getByText(/^\d[\d\s\u00a0\u202f]* leads?$/)
      .first()
      .textContent()) ?? '';
  const total = Number(totalText.replace(/\D/g, ''));
  expect(total).toBeGreaterThan(0);
  const shownIds = new Set(
    (
      await table
        .getByRole('link')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))
    ).map((href) => href.split('/').pop()),
  );

  await page.getByRole('button', { name: 'Eksporter CSV' }).click();
  const dialog = page.getByRole('dialog', { name: 'Eksporter leads til CSV' });
  await expect(dialog).toContainText('begrenset behandling tas ikke med');
  await expect(dialog).toContainText('logges');
  await expectAccessible(page);
  await choose(page, 'Formål', 'Oppfølging');
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('link', { name: 'Last ned CSV' }).click();
  const download = await downloading;
  const file = await download.path();
  const csv = parseCsv((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  const [header, ...rows] = csv.filter((r) => r.some((cell) => cell !== ''));
  expect(header).toEqual([
    'Navn',
    'E-post',
    'Telefon',
    'Prosjekt',
    'Status',
    'Ansvarlig',
    'Mottatt',
    'ID',
    'Datterselskap',
  ]);
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.length).toBeLessThanOrEqual(total);
  const subsidiaryAt = header?.indexOf('Datterselskap') ?? -1;
  for (const row of rows) expect(row[subsidiaryAt]).toBe('Fjordbygg AS');
  expect(csv.flat().join(' ')).not.toContain('Nordlys Bolig');
  // The first page of the grid is the first rows of the export, in the same order.
  const idAt = header?.indexOf('ID') ?? -1;
  const exportedIds = new Set(rows.map((row) => row[idAt]));
  for (const id of shownIds) expect(exportedIds.has(id)).toBe(true);

  // The auditor finds the list, the detail view and the export, by Kari.
  await page.context().clearCookies();
  await loginAs(page, 'auditor');
  await page.goto('/audit');
  const audit = page.getByRole('table');
  const kari = audit.getByRole('row').filter({ hasText: 'Kari Nordmann' });
  await expect(kari.filter({ hasText: 'Eksporterte leads' }).first()).toBeVisible();
  await expect(kari.filter({ hasText: 'Så leadliste' }).first()).toBeVisible();
  await expect(kari.filter({ hasText: 'Så lead' }).first()).toBeVisible();
  await expectAccessible(page);
});
