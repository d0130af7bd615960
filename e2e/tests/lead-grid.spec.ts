import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, loginAs, test } from './fixtures';

/**
 * The leads grid as a CRM user expects it, at desktop (1440×900) and phone (390×844) sizes:
 * compact filter chips, several statuses at once, sticky header, row click and keys, sort
 * direction and indicator, select-all-matching with undo, full status labels, cards and a
 * bottom bar on the phone, previous/next on the lead page, saved views.
 */

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(bad, 'serious or critical axe violations').toEqual([]);
}

/** Every status badge in the area shows its whole label: nothing cut to "Oppfølg…". */
async function expectBadgesNotClipped(area: Locator) {
  const labels = area.locator('.mantine-Badge-label');
  await expect(labels.first()).toBeVisible();
  const sizes = await labels.evaluateAll((els) =>
    els.map((el) => ({
      text: el.textContent ?? '',
      scroll: el.scrollWidth,
      client: el.clientWidth,
    })),
  );
  expect(sizes.length).toBeGreaterThan(0);
  for (const size of sizes) expect(size.scroll, size.text).toBeLessThanOrEqual(size.client);
  return sizes.map((s) => s.text);
}

/** The grid's filter count through the API, with the page's session. */
async function countLeads(page: Page, filter: object): Promise<number> {
  const input = encodeURIComponent(JSON.stringify(filter));
  const res = await page.request.get(`/trpc/lead.count?input=${input}`);
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as { result: { data: { total: number } } };
  return body.result.data.total;
}

/** Filter boxes follow the URL, a moment after the click: click, then wait for the tick. */
async function tick(box: Locator) {
  await box.click();
  await expect(box).toBeChecked();
}

async function addFilter(page: Page, name: string) {
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.getByRole('menuitem', { name, exact: true }).click();
}

const rowIds = (table: Locator) =>
  table
    .locator('tbody tr a[href^="/leads/"]')
    .evaluateAll((links) => links.map((a) => Number(a.getAttribute('href')?.split('/').pop())));

test.describe('desktop', () => {
  test.use({ viewport: DESKTOP });

  test('filters as chips, several statuses, privacy filters by role, "Mine leads"', async ({
    page,
  }) => {
    test.setTimeout(90_000);
    await loginAs(page, 'subsidiaryA');
    await page.goto('/leads');
    const table = page.getByRole('table', { name: 'Leads' });
    await expect(table.getByRole('link').first()).toBeVisible();
    const texts = await expectBadgesNotClipped(table.locator('tbody'));
    expect(texts.some((text) => text.length >= 8)).toBe(true);

    // A subsidiary user is not offered the privacy filters.
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page.getByRole('menuitem', { name: 'Status', exact: true })).toBeVisible();
    await expect(page.getByRole('menuitem', { name: 'Begrenset behandling' })).toHaveCount(0);
    await expect(page.getByRole('menuitem', { name: 'Anonymisert' })).toHaveCount(0);
    await page.getByRole('menuitem', { name: 'Status', exact: true }).click();
    await tick(page.getByRole('checkbox', { name: 'Ny', exact: true }));
    await tick(page.getByRole('checkbox', { name: 'Kontaktet', exact: true }));
    await page.keyboard.press('Escape');
    await expect(page).toHaveURL(/status=new%2Ccontacted|status=new,contacted/);
    const chip = page.getByRole('button', { name: /^Status: Ny, Kontaktet/ });
    await expect(chip).toBeVisible();
    await expect(table.getByRole('link').first()).toBeVisible();
    const statuses = await table
      .locator('tbody .mantine-Badge-label')
      .evaluateAll((els) => els.map((el) => el.textContent));
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) expect(['Ny', 'Kontaktet']).toContain(status);
    const both = await countLeads(page, { status: ['new', 'contacted'] });
    const onlyNew = await countLeads(page, { status: ['new'] });
    expect(both).toBeGreaterThan(onlyNew);
    await expectAccessible(page);
    await page.screenshot({ path: 'test-results/lead-grid-desktop.png' });

    // The chip's × removes the filter.
    await page.getByRole('button', { name: 'Fjern filteret Status' }).click();
    await expect(page).not.toHaveURL(/status=/);

    // "Mine leads": my open leads, and the button says it is on.
    const mine = page.getByRole('button', { name: 'Mine leads' });
    await mine.click();
    await expect(page).toHaveURL(/assignee=\d+/);
    await expect(page).toHaveURL(
      /status=new%2Ccontacted%2Cfollow_up|status=new,contacted,follow_up/,
    );
    await expect(mine).toHaveAttribute('aria-pressed', 'true');
    await mine.click();
    await expect(page).not.toHaveURL(/assignee=/);

    // The privacy officer is offered the privacy filters.
    await page.context().clearCookies();
    await loginAs(page, 'privacy_officer');
    await page.goto('/leads');
    await expect(
      page.getByRole('table', { name: 'Leads' }).getByRole('link').first(),
    ).toBeVisible();
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page.getByRole('menuitem', { name: 'Begrenset behandling' })).toBeVisible();
    await expect(page.getByRole('menuitem', { name: 'Anonymisert' })).toBeVisible();
  });

  test('sort, sticky header, row click, keyboard rows and previous/next', async ({ page }) => {
    test.setTimeout(90_000);
    await loginAs(page, 'subsidiaryA');
    await page.goto('/leads');
    const table = page.getByRole('table', { name: 'Leads' });
    await expect(table.getByRole('link').first()).toBeVisible();

    // Each sortable header is one button whose name is one Norwegian phrase: the column and
    // how it is sorted (no English "Not sorted" from the table library beside it).
    await expect(
      table.getByRole('button', { name: 'Navn, ikke sortert – klikk for å sortere' }),
    ).toBeVisible();
    await expect(table.getByRole('button', { name: 'Mottatt, sortert synkende' })).toBeVisible();
    // Name sorts A→Z on the first click, with an indicator that says so; then flips.
    const nameHeader = table.getByRole('button', { name: /^Navn/ });
    await nameHeader.click();
    await expect(page).toHaveURL(/sort=name&dir=asc/);
    await expect(nameHeader).toHaveAccessibleName('Navn, sortert stigende');
    // The header cell tells assistive technology too, and the arrow shows it.
    await expect(table.getByRole('columnheader', { name: /^Navn/ })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    await expect(table.getByRole('columnheader', { name: /^Mottatt/ })).toHaveAttribute(
      'aria-sort',
      'none',
    );
    await expect(nameHeader.locator('[data-sort-icon="sorted"]')).toBeVisible();
    await nameHeader.click();
    await expect(page).toHaveURL(/sort=name(&|$)/);
    await expect(page).not.toHaveURL(/dir=asc/);
    await expect(nameHeader).toHaveAccessibleName('Navn, sortert synkende');
    await expect(table.getByRole('columnheader', { name: /^Navn/ })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    await expectAccessible(page);
    // Project sorts A→Å on the first click (by the project's name), then flips.
    const projectHeader = table.getByRole('button', { name: /^Prosjekt/ });
    await projectHeader.click();
    await expect(page).toHaveURL(/sort=project&dir=asc/);
    await expect(projectHeader).toHaveAccessibleName('Prosjekt, sortert stigende');
    await expect(projectHeader.locator('[data-sort-icon="sorted"]')).not.toHaveAttribute(
      'data-reversed',
    );
    const projects = () =>
      table
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => (r.querySelectorAll('td')[4]?.textContent ?? '').trim()),
        );
    // The grid's own order: case-insensitive, æ ø å after z (not ICU's "aa" = "å").
    const key = (name: string) =>
      name.toLowerCase().replace(/æ/g, '{').replace(/ø/g, '|').replace(/å/g, '}');
    const inOrder = (names: string[]) =>
      names.length > 1 && names.every((n, i) => i === 0 || key(names[i - 1] ?? '') <= key(n));
    await expect.poll(async () => inOrder(await projects())).toBe(true);
    await projectHeader.click();
    await expect(page).toHaveURL(/sort=project(&|$)/);
    await expect(projectHeader).toHaveAccessibleName('Prosjekt, sortert synkende');
    await expect(projectHeader.locator('[data-sort-icon="sorted"]')).toHaveAttribute(
      'data-reversed',
    );
    await expect.poll(async () => inOrder((await projects()).reverse())).toBe(true);
    // E-mail sorts too, A→Z first.
    await table.getByRole('button', { name: /^E-post/ }).click();
    await expect(page).toHaveURL(/sort=email&dir=asc/);
    // The rows follow the URL once the page arrives: poll until they are in e-mail order.
    const emails = () =>
      table
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows
            .map((r) => (r.querySelectorAll('td')[2]?.textContent ?? '').toLowerCase())
            .filter((e) => e !== '—'),
        );
    await expect
      .poll(async () => {
        const shown = await emails();
        return shown.length > 1 && shown.join('\n') === [...shown].sort().join('\n');
      })
      .toBe(true);
    // "Mottatt" starts newest first (the default, so the link carries no sort at all).
    const received = table.getByRole('button', { name: /^Mottatt/ });
    await received.click();
    await expect(page).not.toHaveURL(/sort=/);
    await expect(received).toHaveAccessibleName('Mottatt, sortert synkende');

    // The header row stays in view while the rows scroll under it.
    // The table's own scrolling box is its parent.
    const viewport = table.locator('xpath=..');
    await viewport.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect(table.locator('tbody tr').first()).not.toBeInViewport();
    await expect(table.locator('thead')).toBeInViewport();
    const headerBox = await table.locator('thead').boundingBox();
    const viewportBox = await viewport.boundingBox();
    expect(headerBox && viewportBox && headerBox.y >= viewportBox.y - 1).toBe(true);
    await viewport.evaluate((el) => {
      el.scrollTop = 0;
    });

    // The pager says where we are.
    await expect(page.getByText(/^1–50 av \d/)).toBeVisible();
    await page.getByRole('button', { name: 'Neste', exact: true }).click();
    await expect(page.getByText(/^51–\d+ av \d/)).toBeVisible();
    await page.getByRole('button', { name: 'Forrige', exact: true }).click();
    await expect(page.getByText(/^1–50 av \d/)).toBeVisible();

    // Keys: the first row takes focus, ↓ moves, Enter opens.
    const ids = await rowIds(table);
    expect(ids.length).toBeGreaterThan(3);
    await table.locator('tbody tr').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(table.locator('tbody tr').nth(2)).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(table.locator('tbody tr').nth(1)).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/leads/${ids[1]}$`));

    // Previous/next within the grid's order, also on j/k.
    const nav = page.getByRole('navigation', { name: 'Bla mellom leadene i listen' });
    await expect(nav).toContainText('2 av');
    await page.keyboard.press('j');
    await expect(page).toHaveURL(new RegExp(`/leads/${ids[2]}$`));
    // The URL changes before the new page is drawn: until then "Forrige" still points at the
    // lead before the last one (a CI run clicked it there and landed on the first lead).
    await expect(nav).toContainText('3 av');
    await nav.getByRole('link', { name: 'Forrige' }).click();
    await expect(page).toHaveURL(new RegExp(`/leads/${ids[1]}$`));
    await expect(nav).toContainText('2 av');
    await page.keyboard.press('k');
    await expect(page).toHaveURL(new RegExp(`/leads/${ids[0]}$`));
    await expect(nav.getByRole('button', { name: 'Forrige' })).toBeDisabled();
    await expectAccessible(page);

    // A click anywhere on a row opens its lead (here on the status cell, not the name link).
    await page.goto('/leads');
    await expect(table.getByRole('link').first()).toBeVisible({ timeout: 15_000 });
    const third = (await rowIds(table))[2];
    await table.locator('tbody tr').nth(2).locator('.mantine-Badge-label').first().click();
    await expect(page).toHaveURL(new RegExp(`/leads/${third}$`));
  });

  test('select all matching, change the status, and undo it', async ({ page }) => {
    test.setTimeout(90_000);
    // Nordlys Bolig's user: the other specs work on Fjordbygg's leads and their timelines.
    await loginAs(page, 'subsidiaryB');
    const before = {
      follow: await countLeads(page, { status: ['follow_up'] }),
      total: await countLeads(page, {}),
      workable: await countLeads(page, { restricted: false, anonymised: false }),
      followWorkable: await countLeads(page, {
        status: ['follow_up'],
        restricted: false,
        anonymised: false,
      }),
    };
    expect(before.total).toBeGreaterThan(50);
    await page.goto('/leads');
    const table = page.getByRole('table', { name: 'Leads' });
    await expect(table.getByRole('link').first()).toBeVisible();
    await page.getByRole('checkbox', { name: 'Velg alle viste leads' }).check();
    const bulk = page.getByRole('region', { name: 'Handlinger for valgte leads' });
    await bulk.getByRole('button', { name: /^Velg alle .* som passer filteret$/ }).click();
    // The offer counts what the change will touch: restricted and anonymised leads are not.
    await expect(bulk).toContainText(`Alle ${before.workable} leads som passer filteret er valgt`);
    await bulk.getByRole('combobox', { name: 'Ny status' }).click();
    await page.getByRole('option', { name: 'Oppfølging', exact: true }).click();
    await bulk.getByRole('button', { name: 'Endre status' }).click();
    const confirm = page.getByRole('dialog', { name: `Endre ${before.workable} leads?` });
    await confirm.getByRole('button', { name: 'Bekreft' }).click();
    const toast = page.getByText(/^Status satt til Oppfølging for \d+ leads$/);
    await expect(toast).toBeVisible({ timeout: 15_000 });
    // Bottom right: the header and its user menu stay uncovered.
    const toastBox = await page.getByRole('alert').filter({ has: toast }).boundingBox();
    expect(toastBox && toastBox.y > DESKTOP.height / 2).toBe(true);
    const n = Number((await toast.textContent())?.match(/for (\d+)/)?.[1]);
    expect(n).toBeGreaterThan(50);
    // Exactly the workable leads that were not already following up changed.
    expect(n).toBe(before.workable - before.followWorkable);
    // Every workable lead now follows up; restricted and anonymised ones were left alone.
    expect(
      await countLeads(page, { status: ['follow_up'], restricted: false, anonymised: false }),
    ).toBe(before.workable);
    await page.screenshot({ path: 'test-results/lead-grid-undo-desktop.png' });
    await page.getByRole('button', { name: 'Angre' }).click();
    await expect(page.getByText(`Endringen er angret for ${n} leads`)).toBeVisible({
      timeout: 15_000,
    });
    expect(await countLeads(page, { status: ['follow_up'] })).toBe(before.follow);
  });

  test('ticks: one row, a shift-tick for the rows between, the header box for the page', async ({
    page,
  }) => {
    await loginAs(page, 'subsidiaryB');
    await page.goto('/leads');
    const table = page.getByRole('table', { name: 'Leads' });
    await expect(table.getByRole('link').first()).toBeVisible();
    const boxes = table.locator('tbody tr').getByRole('checkbox', { disabled: false });
    const bulk = page.getByRole('region', { name: 'Handlinger for valgte leads' });
    // A click beside a box (in its cell) neither ticks nor opens the lead.
    await table
      .locator('tbody tr td')
      .first()
      .click({ position: { x: 2, y: 2 } });
    await expect(boxes.nth(0)).not.toBeChecked();
    await expect(page).toHaveURL(/\/leads$/);
    await boxes.nth(0).click();
    await expect(bulk).toContainText('1 valgt');
    await boxes.nth(4).click({ modifiers: ['Shift'] });
    for (const i of [0, 1, 2, 3, 4]) await expect(boxes.nth(i)).toBeChecked();
    await expect(boxes.nth(5)).not.toBeChecked();
    await expect(bulk).toContainText('5 valgt');
    const all = page.getByRole('checkbox', { name: 'Velg alle viste leads' });
    await expect(all).toHaveJSProperty('indeterminate', true);
    // A shift-tick on a ticked row unticks the rows between.
    await boxes.nth(1).click();
    await boxes.nth(3).click({ modifiers: ['Shift'] });
    await expect(bulk).toContainText('2 valgt');
    await expect(boxes.nth(0)).toBeChecked();
    await expect(boxes.nth(4)).toBeChecked();
    await all.check();
    await expect(bulk).toContainText(`${await boxes.count()} valgt`);
    await all.uncheck();
    await expect(bulk).toHaveCount(0);
    await expect(page).toHaveURL(/\/leads$/);
  });

  test('saved views: shown by name, updated, renamed and deleted', async ({ page }) => {
    test.setTimeout(90_000);
    await loginAs(page, 'subsidiaryA');
    await page.goto('/leads?status=new');
    await expect(
      page.getByRole('table', { name: 'Leads' }).getByRole('link').first(),
    ).toBeVisible();
    const name = `Nye ${Date.now()}`;
    await page.getByRole('button', { name: 'Lagrede visninger' }).click();
    await page.getByRole('menuitem', { name: 'Lagre gjeldende visning …' }).click();
    const save = page.getByRole('dialog', { name: 'Lagre visning' });
    await save.getByRole('textbox', { name: 'Navn' }).fill(name);
    await save.getByRole('button', { name: 'Lagre' }).click();
    const button = page.getByRole('button', { name: `Visning: ${name}` });
    await expect(button).toBeVisible();

    // Change the filter: the view is marked changed, and can take the new filter.
    await page.getByRole('button', { name: /^Status: Ny/ }).click();
    await tick(page.getByRole('checkbox', { name: 'Kontaktet', exact: true }));
    await page.keyboard.press('Escape');
    await expect(page.getByRole('button', { name: `Visning: ${name} *` })).toBeVisible();
    await page.getByRole('button', { name: `Visning: ${name} *` }).click();
    await page.getByRole('menuitem', { name: `Oppdater «${name}» med gjeldende filter` }).click();
    await expect(button).toBeVisible();

    // Opening it again gives the updated filter.
    await page.goto('/leads');
    await page.getByRole('button', { name: 'Lagrede visninger' }).click();
    await page.getByRole('menuitem', { name: new RegExp(`^${name}`) }).click();
    await expect(page).toHaveURL(/status=new%2Ccontacted|status=new,contacted/);

    // Rename.
    await button.click();
    await page.getByRole('menuitem', { name: `Gi «${name}» nytt navn …` }).click();
    const rename = page.getByRole('dialog', { name: 'Gi visningen nytt navn' });
    await rename.getByRole('textbox', { name: 'Navn' }).fill(`${name} og kontaktet`);
    await rename.getByRole('button', { name: 'Lagre' }).click();
    const renamed = page.getByRole('button', { name: `Visning: ${name} og kontaktet` });
    await expect(renamed).toBeVisible();
    await expectAccessible(page);

    // Delete, after a confirmation.
    await renamed.click();
    await page.getByRole('menuitem', { name: `Slett «${name} og kontaktet» …` }).click();
    await page
      .getByRole('dialog', { name: 'Slette visningen?' })
      .getByRole('button', { name: 'Slett' })
      .click();
    await expect(page.getByRole('button', { name: 'Lagrede visninger' })).toBeVisible();
  });
});

test.describe('phone', () => {
  test.use({ viewport: PHONE, isMobile: true, hasTouch: true });

  test('cards, the same filters, a bottom bar, no sideways scrolling', async ({ page }) => {
    test.setTimeout(90_000);
    await loginAs(page, 'subsidiaryA');
    await page.goto('/leads');
    const cards = page.getByRole('list', { name: 'Leads' });
    await expect(cards.getByRole('listitem').first()).toBeVisible();
    await expect(page.getByRole('table', { name: 'Leads' })).toHaveCount(0);
    const noSideways = () =>
      // A string, as the e2e package is typed without the DOM library.
      page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
    expect(await noSideways()).toBe(true);
    await expectBadgesNotClipped(cards);
    await expectAccessible(page);
    await page.screenshot({ path: 'test-results/lead-grid-phone.png', fullPage: false });

    // The same filters.
    await addFilter(page, 'Status');
    await tick(page.getByRole('checkbox', { name: 'Ny', exact: true }));
    await tick(page.getByRole('checkbox', { name: 'Oppfølging', exact: true }));
    await page.keyboard.press('Escape');
    await expect(page).toHaveURL(/status=new%2Cfollow_up|status=new,follow_up/);
    await expect(cards.getByRole('listitem').first()).toBeVisible();
    expect(await noSideways()).toBe(true);

    // Tick a card far down: the bulk bar sits at the bottom of the screen, in view.
    const boxes = cards.getByRole('checkbox', { disabled: false });
    const last = boxes.nth((await boxes.count()) - 1);
    await last.scrollIntoViewIfNeeded();
    await last.check();
    const bulk = page.getByRole('region', { name: 'Handlinger for valgte leads' });
    await expect(bulk).toBeInViewport();
    const box = await bulk.boundingBox();
    expect(box && Math.abs(box.y + box.height - PHONE.height) <= 2).toBe(true);
    expect(await noSideways()).toBe(true);
    await expectAccessible(page);
    await page.screenshot({ path: 'test-results/lead-grid-phone-bulk.png' });

    // The open navigation covers the bar, not the other way round.
    await page.getByRole('button', { name: 'Åpne menyen' }).click();
    await expect(page.locator('#main-navigation')).toBeInViewport();
    // Polled: the navigation slides in, and covers the bar's centre only once it is in.
    const navOnTop = () =>
      page.evaluate<boolean>(`(() => {
        const bar = document.querySelector('[role="region"][aria-label="Handlinger for valgte leads"]');
        if (!bar) return false;
        const r = bar.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return Boolean(hit && hit.closest('#main-navigation'));
      })()`);
    await expect.poll(navOnTop).toBe(true);
    await page.screenshot({ path: 'test-results/lead-grid-phone-bulk-nav.png' });
    await page.getByRole('button', { name: 'Lukk menyen' }).click();
    await expect(bulk).toBeInViewport();

    // A tap on a card opens the lead.
    await bulk.getByRole('button', { name: 'Fjern valg' }).click();
    const first = cards.getByRole('listitem').first();
    const href = await first.getByRole('link').getAttribute('href');
    await first.locator('p').first().click();
    await expect(page).toHaveURL(new RegExp(`${href}$`));
  });
});
