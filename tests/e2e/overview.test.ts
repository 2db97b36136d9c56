import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser, tileText } from '../helpers/browser';
import { streamLines } from '../helpers/fixtures';
import { postEvents, postStream } from '../helpers/server';

const tile = (page: Page, label: string) => tileText(page, label);

describe('overview page in the browser', () => {
  const live = serverAndBrowser();

  it('says how to send events while there are none', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(live.server.url);
    await expect(page.getByText('No events yet.').isVisible()).resolves.toBe(true);
    expect(await page.locator('pre').textContent()).toContain(`curl -X POST http://${new URL(live.server.url).host}/api/events`);
    await page.screenshot({ path: screenshotPath('overview-empty'), fullPage: true });
  });

  it('shows the figures of the range, and filters change the URL and the figures', async () => {
    await postStream(live.server);
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-31`);
    expect(await tile(page, 'Created')).toBe('58');
    expect(await tile(page, 'Open (assigned)')).toBe('14');
    expect(await tile(page, 'Unassigned (new)')).toBe('12');
    expect(await tile(page, 'Resolved')).toBe('32');
    expect(await tile(page, 'Reopened')).toBe('10');
    expect(await tile(page, 'Median resolution')).toBe('22.5 h');
    expect(await page.locator('.tile', { has: page.getByText('Median resolution') }).locator('.unit').textContent()).toBe('business · 37.0 h calendar');
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    expect(await page.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(20);
    expect((await page.locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual(['open (assigned)', 'resolved', 'unassigned (new)']);
    // Chart text in the text colours (the palette's orange is 2.3:1 on white): legend names, axis titles.
    expect(await page.locator('.recharts-legend-item-text').evaluateAll((names) => names.map((n) => getComputedStyle(n).color))).toEqual(Array(3).fill('rgb(31, 35, 40)'));
    expect(await page.locator('.recharts-label').first().evaluate((label) => getComputedStyle(label).fill)).toBe('rgb(89, 99, 110)');
    await page.screenshot({ path: screenshotPath('overview-1280'), fullPage: true });

    await page.selectOption('select[name=source]', 'WHATSAPP');
    await Promise.all([page.waitForURL(/source=WHATSAPP/), page.getByRole('button', { name: 'Apply' }).click()]);
    expect(new URL(page.url()).searchParams.get('from')).toBe('2026-10-01');
    expect(await tile(page, 'Created')).toBe('13');
    expect(await tile(page, 'Median resolution')).toBe('11.0 h');

    await page.setViewportSize({ width: 390, height: 800 });
    await page.screenshot({ path: screenshotPath('overview-390'), fullPage: true });
  });

  it('a link with filters that cannot be applied says why, and applies the others in one click', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-32&source=WHATSAPP&tz=Mars/Olympus`);
    const alert = page.getByRole('alert');
    expect(await alert.locator('li').allTextContents()).toEqual(['to (2026-10-32) is not a calendar date', 'tz (Mars/Olympus) is not an IANA timezone (e.g. Europe/Berlin)']);
    // The filter bar stays, holding what can be applied (the source; the default range), to correct the rest in place.
    expect(await page.locator('select[name=source]').evaluate((s) => [...(s as HTMLSelectElement).selectedOptions].map((o) => o.value))).toEqual(['WHATSAPP']);
    expect(await page.locator('select[name=tz]').inputValue()).toBe('UTC');
    await page.screenshot({ path: screenshotPath('overview-invalid-filters'), fullPage: true });
    await Promise.all([page.waitForURL((url) => url.search === '?source=WHATSAPP&tz=UTC'), alert.getByRole('link', { name: 'Apply the other filters' }).click()]);
    // The default range (the 30 days to today) with the source kept.
    expect(await page.locator('select[name=source] option:checked').allTextContents()).toEqual(['WHATSAPP']);
    await page.locator('.tile', { has: page.getByText('Created') }).waitFor();

    // Nothing valid to keep: only the way back to no filters.
    await page.goto(`${live.server.url}/?from=2026-10-31&to=2026-10-01`);
    expect(await page.getByRole('alert').getByRole('link').allTextContents()).toEqual(['Reset the filters']);
  });

  it('the page links carry the filters from one view to the next', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-31&source=WHATSAPP`);
    expect(await page.locator('nav a[aria-current=page]').textContent()).toBe('Overview');
    await Promise.all([page.waitForURL(/\/transitions\?/), page.getByRole('link', { name: 'Transitions' }).click()]);
    const url = new URL(page.url());
    expect(url.pathname).toBe('/transitions');
    expect([url.searchParams.get('from'), url.searchParams.get('to'), url.searchParams.get('source')]).toEqual(['2026-10-01', '2026-10-31', 'WHATSAPP']);
    await page.locator('h1', { hasText: 'Status transitions' }).waitFor();
    expect(await page.locator('nav a[aria-current=page]').textContent()).toBe('Transitions');
    // The filter bar on the new page shows the carried selection.
    expect(await page.locator('select[name=source] option:checked').allTextContents()).toEqual(['WHATSAPP']);
  });

  it('a range preset applies the form as it stands; after Back the form shows the filters in force, not the choices last made', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-31&tz=UTC`);
    const chosen = (name: string) => page.locator(`select[name=${name}] option:checked`).allTextContents();
    // Chosen in the form, not applied: a preset keeps it, as Apply would (its link alone had dropped it).
    await page.selectOption('select[name=source]', 'WHATSAPP');
    await Promise.all([page.waitForURL(/source=WHATSAPP/), page.getByRole('link', { name: '7 days', exact: true }).click()]);
    const today = new Date().toISOString().slice(0, 10);
    const url = new URL(page.url());
    expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual([new Date(Date.parse(today) - 6 * 86_400_000).toISOString().slice(0, 10), today]);
    expect(await chosen('source')).toEqual(['WHATSAPP']);
    // Back to October, unfiltered: the browser restored the source chosen there before leaving,
    // and the form showed a filter the figures were not using.
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get('from') === '2026-10-01');
    await page.locator('.tile', { has: page.getByText('Created') }).waitFor();
    expect(await chosen('source')).toEqual([]);
    expect(await page.locator('input[name=from]').inputValue()).toBe('2026-10-01');
    expect(await page.locator('p.applied').count()).toBe(0);

    // The footnote's way to Ingest health keeps the timezone, as the header's link does.
    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-31&tz=Asia/Tokyo`);
    expect(await page.locator('p.footnote a').getAttribute('href')).toBe('/ingest?tz=Asia%2FTokyo');
    // The tooltip lists the statuses in the legend's order (recharts' own is by name).
    await page.locator('.recharts-bar-rectangle').first().hover();
    const tooltip = page.locator('.recharts-tooltip-wrapper');
    await tooltip.locator('.recharts-tooltip-item').first().waitFor();
    expect(await tooltip.locator('.recharts-tooltip-item-name').allTextContents()).toEqual(await page.locator('.recharts-legend-item-text').allTextContents());
    expect(await page.locator('.recharts-legend-item-text').allTextContents()).toEqual(['unassigned (new)', 'open (assigned)', 'resolved']);
  });

  it('names each page in its browser tab, and the first Tab skips to the page past the header', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const titles: string[] = [];
    for (const path of ['/', '/assignments', '/transitions', '/agents', '/statistics', '/conversations', '/ingest']) {
      await page.goto(`${live.server.url}${path}?from=2026-10-01&to=2026-10-31`);
      titles.push(await page.title());
    }
    expect(titles).toEqual(['Overview', 'Assignment flows', 'Status transitions', 'Agent load', 'Statistics', 'Conversations', 'Ingest health'].map((name) => `${name} · Conversation observability`));
    const first = streamLines()[0]!;
    expect((await postEvents(live.server, first)).status).toBe(200); // stored already, or now
    const id: string = JSON.parse(first).data.conversation.conversation_id;
    await page.goto(`${live.server.url}/conversations/${encodeURIComponent(id)}`);
    expect(await page.title()).toBe(`Conversation ${id} · Conversation observability`);

    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-31`);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to the page' });
    expect(await skip.evaluate((link) => link === document.activeElement && link.getBoundingClientRect().top >= 0)).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    // The next stop is inside the page (the range presets), not the header's links.
    expect(await page.evaluate(() => document.activeElement?.closest('main')?.id)).toBe('main');
  });

  it('live tiles pick up a newly ingested event without reloading the page', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-31`);
    const unassigned = page.locator('[data-live="Unassigned now"]');
    expect(await unassigned.textContent()).toBe('12');
    expect(await page.locator('[data-live="Open now"]').textContent()).toBe('15');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    const created = JSON.parse(streamLines().find((line) => line.includes('"onConversationCreate"'))!);
    created.data.conversation.conversation_id = 'live-tile-check';
    for (const message of created.data.conversation.messages) message.conversation_id = 'live-tile-check';
    expect((await postEvents(live.server, JSON.stringify(created))).json.accepted).toBe(1);

    await page.waitForFunction(() => document.querySelector('[data-live="Unassigned now"]')?.textContent === '13', undefined, { timeout: 15_000 });
    expect(Number(await page.locator('[data-live="Events, last 5 min"]').textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42); // same page, not reloaded
  });

  it("shows the times of now on the page's clock, not the browser's or UTC's", async () => {
    // A browser in Los Angeles looking at a page set to Kolkata: the page's timezone wins.
    const context = await live.browser.newContext({ timezoneId: 'America/Los_Angeles' });
    const page = await context.newPage();
    // The tile shows the time the server read the figures, between these two readings of the
    // clock (the server's is this machine's): to the second, whatever hour or day boundary falls
    // between them.
    const before = Date.now();
    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-31&tz=Asia/Kolkata`);
    const updated = page.locator('.tile', { hasText: 'Updated' });
    expect(await updated.locator('.unit').textContent()).toBe('Asia/Kolkata · every 5 s');
    const shown = (await updated.locator('.value').textContent())!;
    const after = Date.now();
    const kolkata: string[] = [];
    for (let second = Math.floor(before / 1000); second <= Math.floor(after / 1000); second++) {
      kolkata.push(new Date(second * 1000).toLocaleTimeString('en-GB', { timeZone: 'Asia/Kolkata' }));
    }
    expect(kolkata).toContain(shown);
    // Screen readers hear a figure when it changes, not the clock at every refresh.
    expect(await updated.evaluate((tile) => tile.closest('[aria-live]') === null)).toBe(true);
    expect(await page.locator('.tile', { hasText: 'Open now' }).getAttribute('aria-live')).toBe('polite');
    // The footnote's last event: the page's clock too, named, not an ISO string in UTC.
    expect(await page.locator('p.footnote').textContent()).toMatch(/^Last event received \d{4}-\d\d-\d\d \d\d:\d\d \(Asia\/Kolkata\) · all events: ingest health$/);
    await context.close();
  });

  it('explains filters it cannot apply instead of failing', async () => {
    const page = await live.browser.newPage();
    const response = await page.goto(`${live.server.url}/?from=2026-13-01&status=open`);
    expect(response?.status()).toBe(200);
    const alert = await page.locator('.error[role=alert]').textContent();
    expect(alert).toContain('from (2026-13-01) is not a calendar date');
    expect(alert).toContain('status (open) expected one of new, assigned, resolved');
  });
});
