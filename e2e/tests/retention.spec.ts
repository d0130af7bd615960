import { expect, loginAs, test } from './fixtures';

/**
 * Runs last (file order): a real retention run anonymises the demo's older leads, which the
 * specs before it do not expect.
 */
test('the privacy officer holds a lead, runs retention from its page, and the held lead stays', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  /** The pages this feature touches, wide and narrow, kept with the test's output. */
  const shoot = async (p: typeof page, name: string) => {
    for (const [w, h] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      await p.setViewportSize({ width: w, height: h });
      await p.screenshot({ path: testInfo.outputPath(`${name}-${w}.png`), fullPage: true });
    }
    await p.setViewportSize({ width: 1280, height: 720 });
  };
  // Kari's two leads with the oldest activity: both past a 12-month period (the demo spans 18).
  const kari = await browser.newPage();
  await loginAs(kari, 'subsidiaryA');
  await kari.goto('/leads?sort=lastActivityAt&dir=asc');
  const links = kari.getByRole('table').getByRole('link');
  await expect(links.nth(1)).toBeVisible({ timeout: 20_000 });
  const pick = async (n: number) => {
    const link = links.nth(n);
    const id = Number((await link.getAttribute('href'))?.split('/').pop());
    return { id, name: (await link.textContent())?.trim() ?? '' };
  };
  const held = await pick(0);
  const erased = await pick(1);
  expect(held.id).toBeGreaterThan(0);
  expect(erased.id).toBeGreaterThan(0);
  expect(erased.name.length).toBeGreaterThan(2);

  await loginAs(page, 'privacy_officer');
  await page.goto(`/leads/${held.id}`);
  await page.getByRole('button', { name: 'Sett rettslig tilbakehold' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Lagre' }).click();
  await expect(dialog.getByText('Må fylles ut')).toBeVisible();
  await dialog.getByLabel('Begrunnelse').fill('Tvist om kontrakten, sak 2026-118');
  await dialog.getByRole('button', { name: 'Lagre' }).click();
  await expect(page.getByText(/Tilbakehold satt av/).first()).toBeVisible();
  await expect(
    page.getByText('Leadet kan ikke slettes. Grunn: Tvist om kontrakten, sak 2026-118'),
  ).toBeVisible();

  await page.goto('/retention');
  await expect(page.getByRole('heading', { name: 'Lagringstid', level: 1 })).toBeVisible();
  const months = page.getByLabel('Måneder');
  await expect(months).toHaveValue('36');
  await months.fill('12');
  await page.getByRole('button', { name: 'Lagre' }).click();
  // The toast says what changed.
  await expect(page.getByText('Lagringstiden er satt til 12 måneder')).toBeVisible();

  await page.getByRole('button', { name: 'Prøvekjøring' }).click();
  const dry = page.getByRole('status').filter({ hasText: 'Prøvekjøring:' });
  await expect(dry).toBeVisible();
  const wouldBe = Number(/(\d+) leads ville/.exec((await dry.textContent()) ?? '')?.[1]);
  expect(wouldBe).toBeGreaterThan(0);
  await expect(dry).toContainText('1 beholdt på grunn av rettslig tilbakehold');

  await page.getByRole('button', { name: 'Kjør lagringstid' }).click();
  const confirm = page.getByRole('dialog', { name: 'Anonymisere leads nå?' });
  await confirm.getByRole('button', { name: 'Kjør lagringstid' }).click();
  const done = page.getByRole('status').filter({ hasText: 'leads anonymisert' });
  await expect(done).toBeVisible();
  expect(Number(/(\d+) leads anonymisert/.exec((await done.textContent()) ?? '')?.[1])).toBe(
    wouldBe,
  );

  const history = page.getByRole('table', { name: 'Kjøringer' });
  await expect(history.getByRole('row')).toHaveCount(3);
  await expect(history.getByText('Ekte')).toBeVisible();
  await expect(history.getByText('Prøve')).toBeVisible();
  await shoot(page, 'retention-page');
  await page.goto(`/leads/${held.id}`);
  await expect(page.getByText(/Tilbakehold satt av/).first()).toBeVisible();
  await shoot(page, 'lead-held-privacy-officer');

  // The subsidiary user: the erased lead has no personal data left, the held one is intact.
  await kari.goto(`/leads/${erased.id}`);
  await expect(kari.getByRole('heading', { name: `Anonymisert lead #${erased.id}` })).toBeVisible();
  await expect(kari.getByText(/Personopplysningene ble anonymisert/)).toBeVisible();
  await expect(kari.getByText(erased.name)).toHaveCount(0);
  await shoot(kari, 'lead-anonymised-subsidiary');
  await kari.goto(`/leads/${held.id}`);
  await expect(kari.getByRole('heading', { name: held.name })).toBeVisible();
  await expect(kari.getByText('Rettslig tilbakehold').first()).toBeVisible();
  await kari.goto('/leads?sort=lastActivityAt&dir=asc');
  await expect(
    kari
      .getByRole('table')
      .getByRole('link', { name: `Anonymisert lead #${erased.id}`, exact: true }),
  ).toBeVisible();
  await shoot(kari, 'grid-subsidiary');
  await kari.close();
});
