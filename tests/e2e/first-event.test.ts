import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser, tileText } from '../helpers/browser';
import { createdNow } from '../helpers/fixtures';
import { postEvents } from '../helpers/server';

/** Marks the document, so that a later check tells a render in place from a reload. */
const mark = (page: Page) => page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
const stillMarked = (page: Page) => page.evaluate(() => (window as unknown as { marker?: number }).marker === 42);

// Someone sets up the Freshworks app and watches the dashboard for the first delivery: the pages
// must show it without a reload (they used to say "No events yet" until one).
describe('pages left open while events start and go on arriving', () => {
  const live = serverAndBrowser();

  it('the empty Overview shows the figures by itself once the first event is stored', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/?tz=UTC`);
    expect(await page.getByText('No events yet.').isVisible()).toBe(true);
    expect(await page.locator('.first-event-watch').textContent()).toBe('This page shows the figures by itself once the first event arrives (checked every 5 s).');
    await page.screenshot({ path: screenshotPath('first-event-waiting-1280') });
    await mark(page);

    expect((await postEvents(live.server, createdNow('first-event-1'))).json.accepted).toBe(1);
    await page.getByText('No events yet.').waitFor({ state: 'detached', timeout: 20_000 });
    await page.locator('.tile', { has: page.getByText('Created', { exact: true }) }).waitFor();
    expect(await tileText(page, 'Created')).toBe('1');
    expect(await stillMarked(page)).toBe(true);
    await page.close();
  });

  it('Ingest health renders its figures again in place every 10 s, and says as of when', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/ingest?tz=UTC`);
    const asOf = page.locator('p.as-of');
    expect(await asOf.textContent()).toMatch(/^Figures as of \d\d:\d\d:\d\d \(UTC\), updated every 10 s\.$/);
    const lastHour = () => tileText(page, 'Events, last hour');
    const before = Number(await lastHour());
    const first = await asOf.textContent();
    await mark(page);

    expect((await postEvents(live.server, createdNow('first-event-2'))).json.accepted).toBe(1);
    // The count of the last hour is flushed to the page's figures by the next render (10 s at most after the post, plus the render).
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('.tile')].some((t) => t.querySelector('.label')?.textContent === 'Events, last hour' && t.querySelector('.value')?.textContent === String(n)),
      before + 1,
      { timeout: 25_000 },
    );
    expect(await asOf.textContent()).not.toBe(first);
    expect(await stillMarked(page)).toBe(true);
    await page.close();
  });
});
