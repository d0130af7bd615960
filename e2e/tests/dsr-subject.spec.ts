import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { type Database, E2E_DB_FILE, withDatabase } from './database';
import { expect as baseExpect, loginAs, test } from './fixtures';

/** Several queries per page on a shared machine: a longer wait per assertion. */
const expect = baseExpect.configure({ timeout: 20_000 });

const withDb = <T>(work: (db: Database) => T): T => withDatabase(E2E_DB_FILE, work);

/** An open project of the named subsidiary: its slug, for the intake API. */
function openProject(subsidiary: string): string {
  const row = withDb(
    (db) =>
      db
        .prepare(
          `select p.slug from projects p join subsidiaries s on s.id = p.subsidiary_id
           where s.name = ? and p.status in ('planning', 'pre_sale', 'on_sale') limit 1`,
        )
        .get(subsidiary) as { slug: string } | undefined,
  );
  if (!row) throw new Error(`no open project at ${subsidiary}`);
  return row.slug;
}

/** A verified request for the person, as the request register would store it. */
function seedRequest(type: string, email: string): number {
  return withDb((db) => {
    const now = Date.now();
    return Number(
      db
        .prepare(
          `insert into dsr_requests (type, subject_email, channel, received_at, due_at, status, status_changed_at)
           values (?, ?, 'email', ?, ?, 'identity_verified', ?)`,
        )
        .run(type, email, now, now + 31 * 86_400_000, now).lastInsertRowid,
    );
  });
}

function leadIdsOf(email: string): { id: number; subsidiary: string }[] {
  return withDb(
    (db) =>
      db
        .prepare(
          `select l.id, s.name as subsidiary from leads l join subsidiaries s on s.id = l.subsidiary_id
           where l.email = ? order by l.id`,
        )
        .all(email) as { id: number; subsidiary: string }[],
  );
}

async function shoot(page: Page, name: string, testInfo: { outputPath(n: string): string }) {
  for (const [w, h] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: testInfo.outputPath(`${name}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

test('the privacy officer answers access and erasure for a person with leads at two subsidiaries', async ({
  page,
  browser,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36);
  const email = `sara.subjekt.${suffix}@example.no`;
  const name = `Sara Subjekt${suffix}`;
  // The same person sends a form to a project of each subsidiary.
  for (const subsidiary of ['Fjordbygg AS', 'Nordlys Bolig AS']) {
    const res = await request.post(`/api/intake/${openProject(subsidiary)}`, {
      data: { name, email, phone: `9${String(Date.now()).slice(-7)}`, message: 'Hei' },
    });
    expect(res.status()).toBe(201);
  }
  const leads = leadIdsOf(email);
  expect(leads.map((l) => l.subsidiary).sort()).toEqual(['Fjordbygg AS', 'Nordlys Bolig AS']);
  const atFjordbygg = leads.find((l) => l.subsidiary === 'Fjordbygg AS')?.id ?? 0;
  const atNordlys = leads.find((l) => l.subsidiary === 'Nordlys Bolig AS')?.id ?? 0;

  // Access: the subject view shows both, the JSON holds both.
  const access = seedRequest('access', email);
  await loginAs(page, 'privacy_officer');
  await page.goto(`/requests/${access}/subject`);
  await expect(
    page.getByRole('heading', { name: `Den registrerte · henvendelse #${access}` }),
  ).toBeVisible();
  const leadList = page.getByRole('region', { name: 'Leads (2)' });
  await expect(leadList.getByText('Fjordbygg AS', { exact: true })).toBeVisible();
  await expect(leadList.getByText('Nordlys Bolig AS', { exact: true })).toBeVisible();
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Last ned JSON' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^subject-${access}-.*\\.json$`));
  const file = JSON.parse(await readFile(await download.path(), 'utf8')) as {
    format: string;
    leads: { id: number; subsidiary: string; email: string }[];
  };
  expect(file.format).toBe('mg-leads/subject-export');
  expect(file.leads.map((l) => l.subsidiary).sort()).toEqual(['Fjordbygg AS', 'Nordlys Bolig AS']);
  expect(file.leads.every((l) => l.email === email)).toBe(true);
  await expect(
    page
      .getByRole('region', { name: 'Hva som er gjort på henvendelsen' })
      .getByText('JSON-eksport'),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: 'Hvem har sett denne personen' })).toBeVisible();
  await shoot(page, 'subject-view', testInfo);

  // Erasure: the lead at Nordlys is under legal hold and is kept; the other is anonymised.
  await page.goto(`/leads/${atNordlys}`);
  await page.getByRole('button', { name: 'Sett rettslig tilbakehold' }).click();
  const holdDialog = page.getByRole('dialog');
  await holdDialog.getByLabel('Begrunnelse').fill('Reklamasjonssak 2026-7');
  await holdDialog.getByRole('button', { name: 'Lagre' }).click();
  await expect(page.getByText(/Tilbakehold satt av/).first()).toBeVisible();

  const erasure = seedRequest('erasure', email);
  await page.goto(`/requests/${erasure}/subject`);
  await page.getByRole('button', { name: 'Slett', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Slette personens opplysninger?' });
  await expect(confirm.getByText(`#${atNordlys}`)).toBeVisible();
  await confirm.getByRole('button', { name: 'Anonymiser 1 lead' }).click();
  await expect(page.getByText('Anonymiserte 1, beholdt 1 med rettslig hold')).toBeVisible();
  await expect(page.getByText(`Beholdt #${atNordlys}: Reklamasjonssak 2026-7`)).toBeVisible();
  await shoot(page, 'subject-view-erased', testInfo);

  // The held lead keeps the person's data, and its page still opens.
  await page.goto(`/leads/${atNordlys}`);
  await expect(page.getByText('Nordlys Bolig AS').first()).toBeVisible();
  await expect(page.getByText(email).first()).toBeVisible();

  // The subsidiary user sees the anonymised lead without the person's data.
  const kariContext = await browser.newContext();
  const kari = await kariContext.newPage();
  await loginAs(kari, 'subsidiaryA');
  await kari.goto(`/leads/${atFjordbygg}`);
  await expect(kari.getByText(/Anonymisert/).first()).toBeVisible();
  await expect(kari.getByText(email)).toHaveCount(0);
  await expect(kari.getByText(name)).toHaveCount(0);
  await kariContext.close();

  // The record of processing, with the live retention period.
  await page.goto('/processing');
  await expect(
    page.getByRole('heading', { name: 'Protokoll over behandlingsaktiviteter', level: 1 }),
  ).toBeVisible();
  await expect(page.getByText('Gjeldende innstilling for lagringstid').first()).toBeVisible();
  await shoot(page, 'processing', testInfo);
});
