import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { serverAndBrowser, tileText } from '../helpers/browser';
import { createdNow } from '../helpers/fixtures';
import { postEvents } from '../helpers/server';

describe('figures of a range that includes today', () => {
  const live = serverAndBrowser(undefined, { env: { RANGE_REFRESH_SECONDS: '5' } });

  it('render again on their own while the page stays open, and say as of when', async () => {
    expect((await postEvents(live.server, createdNow('refresh-1'))).json.accepted).toBe(1);
    const page: Page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/?tz=UTC`);
    expect(await tileText(page, 'Created')).toBe('1');
    const asOf = page.locator('p.as-of');
    expect(await asOf.textContent()).toMatch(/^Figures as of \d\d:\d\d:\d\d \(UTC\), updated every 5 s while the range includes today\.$/);
    const first = await asOf.textContent();
    // A range still to begin is refreshed too, and says until when.
    const later = await live.browser.newPage();
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await later.goto(`${live.server.url}/?tz=UTC&from=${soon}&to=${soon}`);
    expect(await later.locator('p.as-of').textContent()).toMatch(new RegExp(`updated every 5 s until the range has ended \\(it begins ${soon}\\)\\.$`));
    await later.close();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    expect((await postEvents(live.server, createdNow('refresh-2'))).json.accepted).toBe(1);
    await page.waitForFunction(() => [...document.querySelectorAll('.tile')].some((t) => t.textContent?.startsWith('Created') && t.querySelector('.value')?.textContent === '2'), undefined, {
      timeout: 20_000,
    });
    expect(await asOf.textContent()).not.toBe(first);
    // In place: the same document, not a reload.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.close();
  });

  it('keep the newest conversations current too, but not another order or page of them', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/conversations?tz=UTC`);
    const rows = page.locator('table.conversations tbody tr');
    const before = await rows.count();
    expect(await page.locator('p.as-of').count()).toBe(1);
    expect((await postEvents(live.server, createdNow('refresh-list'))).json.accepted).toBe(1);
    await page.waitForFunction((n) => document.querySelectorAll('table.conversations tbody tr').length === n + 1, before, { timeout: 20_000 });
    expect(await rows.first().locator('td.id a').getAttribute('title')).toBe('refresh-list');
    // Sorted otherwise, rows moving under the reader would lose their place: no refresh.
    await page.goto(`${live.server.url}/conversations?tz=UTC&sort=id&dir=asc`);
    expect(await page.locator('p.as-of').count()).toBe(0);
    await page.close();
  });

  it('are not refreshed for a range that ends before today', async () => {
    // The latest such range: one ending yesterday (UTC). Read before the request, so a midnight
    // passing meanwhile only moves it further back, never onto today.
    const now = Date.now();
    const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
    const weekBefore = new Date(now - 7 * 86_400_000).toISOString().slice(0, 10);
    const page = await live.browser.newPage();
    await page.goto(`${live.server.url}/?from=${weekBefore}&to=${yesterday}&tz=UTC`);
    expect(await page.locator('h1').textContent()).toBe('Overview');
    // Said, so that a view left open past midnight does not pass for a current one.
    expect(await page.locator('p.as-of').textContent()).toMatch(/^Figures as of \d\d:\d\d:\d\d \(UTC\), not updated: the range ended before today\.$/);
    await page.close();
  });
});
