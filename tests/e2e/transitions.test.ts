import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { loadDemoData } from '@/lib/demo/demo-data';
import { screenshotPath, serverAndBrowser, tileText } from '../helpers/browser';
import { postStream, tempDatabasePath } from '../helpers/server';

const tile = (page: Page, label: string) => tileText(page, label);
const cell = async (page: Page, from: string, to: string) => (await page.locator(`td[data-from="${from}"][data-to="${to}"]`).textContent())?.trim();
const PRIORITY = 'b610a9f7-f927-4f4e-b8b3-33a8e5446dd4'; // the channel (topic) named "Priority"

// Expected figures counted from the raw stream by a separate script (deduplicated lines; a create is
// null → new at created_time, each status change at its updated_time), not through the app.
// October: 166 transitions: created → new 58, new → assigned 51, assigned → resolved 42,
// resolved → assigned 10, assigned → new 5; reopen rate 10/42 = 23.8 %. Completed stays entered in
// October: new 51 (median 3.0 h), assigned 47 (20.5 h), resolved 10 (37.7 h); open 12, 14, 32.
// Channel "Priority": 59 transitions, 15 resolutions, 2 reopens (13.3 %), new → assigned 19.
describe('transitions page in the browser', () => {
  const live = serverAndBrowser(postStream);

  it('shows the matrix, the days and the time in status, and a channel filter changes the URL and the figures', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/transitions?from=2026-10-01&to=2026-10-31`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Status transitions');
    expect(await tile(page, 'Transitions')).toBe('166');
    expect(await tile(page, 'Resolutions')).toBe('42');
    expect(await tile(page, 'Reopens')).toBe('10');
    expect(await tile(page, 'Reopen rate')).toBe('23.8 %');

    expect(await cell(page, '(created)', 'new')).toBe('58');
    expect(await cell(page, 'new', 'assigned')).toBe('51');
    expect(await cell(page, 'assigned', 'resolved')).toBe('42');
    expect(await cell(page, 'resolved', 'assigned')).toBe('10');
    expect(await cell(page, 'assigned', 'new')).toBe('5');
    expect(await cell(page, 'new', 'resolved')).toBe('·');

    await page.locator('.recharts-bar-rectangle').first().waitFor();
    expect((await page.locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual(['→ assigned', '→ new', '→ resolved']);
    // Hovering the first day with transitions (2026-10-05: 2 created, 2 assigned) lists them in the legend's order.
    await page.locator('.recharts-bar-rectangle').first().hover();
    const tooltip = page.locator('.recharts-tooltip-wrapper', { hasText: '2026-10-05' });
    await tooltip.waitFor();
    expect(await tooltip.locator('.recharts-tooltip-item').allTextContents()).toEqual(['→ new : 2 transitions', '→ assigned : 2 transitions', '→ resolved : 0 transitions']);
    expect(await tooltip.locator('.recharts-tooltip-item-name').allTextContents()).toEqual(await page.locator('.recharts-legend-item-text').allTextContents());
    const stays = page.getByRole('table', { name: 'Time in each status' }).locator('tbody tr');
    expect(await stays.nth(0).locator('td').allTextContents()).toEqual(['new', '3.0 h', '51', '12']);
    expect(await stays.nth(1).locator('td').allTextContents()).toEqual(['assigned', '20.5 h', '47', '14']);
    expect(await stays.nth(2).locator('td').allTextContents()).toEqual(['resolved', '37.7 h', '10', '32']);
    expect(await page.locator('.recharts-label-list text').allTextContents()).toEqual(['3.0 h', '20.5 h', '37.7 h']);
    expect(await page.locator('a.export').getAttribute('href')).toBe('/api/reports/transitions.csv?from=2026-10-01&to=2026-10-31&tz=UTC');
    await page.mouse.move(0, 0); // no tooltip in the screenshot
    await page.waitForFunction(() => [...document.querySelectorAll('.recharts-tooltip-wrapper')].every((el) => getComputedStyle(el).visibility === 'hidden'));
    await page.screenshot({ path: screenshotPath('transitions-1280'), fullPage: true });

    await page.selectOption('select[name=channel]', PRIORITY);
    await Promise.all([page.waitForURL(/channel=/), page.getByRole('button', { name: 'Apply' }).click()]);
    expect(new URL(page.url()).searchParams.get('channel')).toBe(PRIORITY);
    expect(await tile(page, 'Transitions')).toBe('59');
    expect(await tile(page, 'Reopen rate')).toBe('13.3 %');
    expect(await cell(page, 'new', 'assigned')).toBe('19');

    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${live.server.url}/transitions?from=2026-10-01&to=2026-10-31`);
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await page.screenshot({ path: screenshotPath('transitions-390'), fullPage: true });
  });

  it('says what is missing when nothing matches', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/transitions?from=2025-01-01&to=2025-01-31`);
    expect(await tile(page, 'Transitions')).toBe('0');
    expect(await tile(page, 'Reopen rate')).toBe('–');
    expect(await page.getByText('No status transition happened in this range').count()).toBe(2);
    await expect(page.getByText('No stay that began in this range has ended yet').isVisible()).resolves.toBe(true);
    expect(await page.locator('.recharts-bar-rectangle').count()).toBe(0);
  });
});

// A month of the demo team: counts in the thousands (3,721 created → new in the review's month), as
// a real team's. At 390 px the table was then 363 px in a 356 px frame, its 'total' column cut off
// behind a sideways scroll. (The fixture stream's two-digit counts made it 355 px.)
describe('the From → to table on a phone, with a month of the demo team', () => {
  const databasePath = tempDatabasePath('transitions-demo');
  beforeAll(() => {
    const db = openDatabase(databasePath);
    loadDemoData(db, { days: 30, end: Date.parse('2026-11-01T00:00:00Z') });
    db.$client.close();
  });
  const live = serverAndBrowser(undefined, { databasePath });

  it.each([390, 360])('fits a %i px screen whole, no sideways scroll', async (width) => {
    const page = await live.browser.newPage({ viewport: { width, height: 800 } });
    await page.goto(`${live.server.url}/transitions?from=2026-10-01&to=2026-10-31`);
    const table = page.getByRole('table', { name: 'Status transitions in the range, from (rows) to (columns)' });
    expect(await table.locator('td[data-from="(created)"][data-to="new"]').textContent()).toMatch(/^\d,\d{3}$/);
    const fit = await table.evaluate((element) => {
      const frame = element.parentElement!;
      const edge = frame.getBoundingClientRect().right;
      return {
        scrollWidth: frame.scrollWidth,
        clientWidth: frame.clientWidth,
        // Every column header's right edge inside the frame, the last ('total') included.
        headersOut: [...element.querySelectorAll('thead th')].filter((th) => th.getBoundingClientRect().right > edge).map((th) => th.textContent),
      };
    });
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.clientWidth);
    expect(fit.headersOut).toEqual([]);
    expect((await table.locator('thead th').allTextContents()).at(-1)).toBe('total');
    await table.screenshot({ path: screenshotPath(`transitions-matrix-${width}`) });
    await page.close();
  });
});
