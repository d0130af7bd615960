import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { expect as baseExpect, DEMO, loginAs, test } from './fixtures';

// Generous waits: these specs share two cores with everything else running on the machine.
const expect = baseExpect.configure({ timeout: 20_000 });

/** No accessibility violation that axe rates serious or critical. */
async function expectAccessible(page: Page, include?: string) {
  const builder = new AxeBuilder({ page });
  if (include) builder.include(include);
  const { violations } = await builder.analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(bad, 'serious or critical axe violations').toEqual([]);
}

type LeadBody = {
  result: {
    data: {
      lead: { id: number; status: string; assigneeUserId: number | null };
      activity: {
        kind: string;
        body: string | null;
        fromValue: string | null;
        toValue: string | null;
      }[];
    };
  };
};

async function readLead(page: Page, id: number) {
  const input = encodeURIComponent(JSON.stringify({ id }));
  const res = await page.request.get(`/trpc/lead.byId?input=${input}`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as LeadBody).result.data;
}

/** Opens the first lead of the signed-in user's grid; returns its id. */
async function openFirstLead(page: Page): Promise<number> {
  await page.goto('/leads');
  await page.getByRole('table').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  // The lead page itself, not the grid still on screen while the lead's page loads.
  await expect(page.getByRole('textbox', { name: 'Legg til notat' })).toBeVisible();
  return id;
}

/**
 * Ends every other session of `who` the way a user would from another device: signs in
 * elsewhere and revokes them on "Mine økter" (auth.revokeSession).
 */
async function endOtherSessions(browser: Browser, who: keyof typeof DEMO) {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const other = await context.newPage();
  await loginAs(other, who);
  // A string, as the e2e project type-checks without the DOM library; fetch sends the Origin.
  const ended = await other.evaluate(`(async () => {
    const list = await fetch('/trpc/auth.sessions').then((r) => r.json());
    const ids = list.result.data.filter((s) => !s.current).map((s) => s.id);
    for (const id of ids) {
      const res = await fetch('/trpc/auth.revokeSession', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      if (!res.ok) throw new Error('revoke failed: ' + res.status);
    }
    return ids.length;
  })()`);
  expect(ended).toBeGreaterThan(0);
  await context.close();
}

test('the session ends mid-edit: the dialog signs in again and the change is saved, with one message', async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await loginAs(page, 'subsidiaryA');
  const id = await openFirstLead(page);
  const note = `Ringte tilbake ${Date.now()}, ønsker visning`;
  await page.getByLabel('Legg til notat').fill(note);

  await endOtherSessions(browser, 'subsidiaryA');
  await page.getByRole('button', { name: 'Legg til notat' }).click();

  // One message: the dialog. No red "Noe gikk galt" toast, no login page with a notice.
  const dialog = page.getByRole('dialog', { name: 'Økten er utløpt' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Endringen du gjorde, lagres når du er logget inn');
  await expect(page).toHaveURL(new RegExp(`/leads/${id}$`));
  await expect(page.getByText('Noe gikk galt')).toHaveCount(0);
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0);
  await expect(dialog.getByLabel('E-post')).toHaveValue(DEMO.subsidiaryA);
  await page.screenshot({ path: 'test-results/session-dialog-1440.png' });
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: 'test-results/session-dialog-390.png' });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1440, height: 900 });

  // A wrong password says so in the dialog and keeps everything as it was.
  await dialog.getByLabel('Passord').fill('feil-passord-123');
  await dialog.getByRole('button', { name: 'Logg inn og fortsett' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Feil e-post eller passord');

  await dialog.getByLabel('Passord').fill('demo-passord-2026');
  await dialog.getByRole('button', { name: 'Logg inn og fortsett' }).click();
  await expect(dialog).toBeHidden();

  // The kept change was sent once, after sign-in, and the page went on as if it had worked.
  await expect(page.locator('.mantine-Notification-root')).toHaveText(['Notat lagt til']);
  await expect(page.getByLabel('Legg til notat')).toHaveValue('');
  await expect(page.getByText(note)).toBeVisible();
  const { activity } = await readLead(page, id);
  expect(activity.filter((a) => a.kind === 'note' && a.body === note)).toHaveLength(1);
  await expect(page.getByText('Noe gikk galt')).toHaveCount(0);
  await expect(page.getByText('Økten din er utløpt')).toHaveCount(0);
});

test('a status change says what changed, bottom right, and "Angre" sets the old status back', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await loginAs(page, 'subsidiaryA');
  const id = await openFirstLead(page);
  const before = (await readLead(page, id)).lead.status;
  const [target, label] = before === 'contacted' ? ['sold', 'Solgt'] : ['contacted', 'Kontaktet'];
  const previousLabel = {
    new: 'Ny',
    contacted: 'Kontaktet',
    follow_up: 'Oppfølging',
    sold: 'Solgt',
    closed: 'Avsluttet',
  }[before];

  const statusBox = page
    .getByRole('textbox', { name: 'Status' })
    .or(page.getByRole('combobox', { name: 'Status' }))
    .first();
  await statusBox.click();
  await page.getByRole('option', { name: label, exact: true }).click();
  await expect(statusBox).toHaveValue(label);

  const toast = page
    .locator('.mantine-Notification-root')
    .filter({ hasText: `Status satt til ${label}` });
  await expect(toast).toBeVisible();
  expect((await readLead(page, id)).lead.status).toBe(target);

  // Away from the header and its user menu: in the bottom right corner.
  const box = await toast.boundingBox();
  expect(box).not.toBeNull();
  if (box) {
    expect(box.y).toBeGreaterThan(450);
    expect(box.x + box.width).toBeGreaterThan(1440 - 60);
  }
  await page.screenshot({ path: 'test-results/status-toast-1440.png' });

  await toast.getByRole('button', { name: 'Angre' }).click();
  await expect(
    page
      .locator('.mantine-Notification-root')
      .filter({ hasText: `Status tilbake til ${previousLabel}` }),
  ).toBeVisible();
  await expect.poll(async () => (await readLead(page, id)).lead.status).toBe(before);
  // The undo went through the same procedure: both changes are on the lead's timeline.
  const { activity } = await readLead(page, id);
  const statusChanges = activity.filter((a) => a.kind === 'status');
  expect(statusChanges.some((a) => a.fromValue === before && a.toValue === target)).toBe(true);
  expect(statusChanges.some((a) => a.fromValue === target && a.toValue === before)).toBe(true);
});
