import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser';
import { postEvents, postStream } from '../helpers/server';

const tile = async (page: Page, label: string) => {
  const box = page.locator('.tile', { has: page.getByText(label, { exact: true }) });
  return { value: (await box.locator('.value').textContent())?.trim(), unit: (await box.locator('.unit').textContent())?.trim() };
};

describe('ingest health in the browser', () => {
  const live = serverAndBrowser();

  it('says what is missing before anything arrives', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/ingest`);
    expect(await page.getByText('No events yet.').isVisible()).toBe(true);
    expect(await page.getByText('No request or event has been rejected yet.').isVisible()).toBe(true);
    expect(await page.getByText('No request to POST /api/events brought an event in the last 60 minutes.').isVisible()).toBe(true);
  });

  it('shows what was received, duplicated and rejected, with the reasons', async () => {
    // The stream: 250 lines, 239 distinct events and 11 exact duplicates. Then one request whose
    // only item is invalid (400, 1 rejected event), one with a wrong token (401), one malformed (400).
    const stream = await postStream(live.server);
    expect(stream.json).toMatchObject({ accepted: 239, duplicates: 11, rejected: [] });
    expect((await postEvents(live.server, JSON.stringify({ event: 'onConversationCreate', data: { conversation: { conversation_id: 42 } } }))).status).toBe(400);
    expect((await postEvents(live.server, '{}', { authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    expect((await postEvents(live.server, '[{"event": }]')).status).toBe(400);

    const page = await live.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${live.server.url}/ingest?from=2026-10-01&to=2026-10-31&tz=Europe/Berlin`);
    expect(await tile(page, 'Events, last hour')).toEqual({ value: '239', unit: 'accepted · 4 requests received' });
    expect((await tile(page, 'Duplicates, 24 h')).value).toBe('11');
    expect(await tile(page, 'Rejected, 24 h')).toEqual({ value: '1', unit: 'events failing validation · 3 requests refused' });
    expect((await tile(page, 'Last event received')).unit).toBe('Europe/Berlin');
    expect(await page.getByText('The dashboard filters do not apply here').isVisible()).toBe(true);

    await page.locator('.recharts-bar-rectangle').first().waitFor();
    expect((await page.locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual(['accepted', 'duplicates', 'rejected']);
    expect(await page.getByText('events / minute').isVisible()).toBe(true);

    const rows = page.locator('table.rejections tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain("malformed JSON at line 1, column 12: Unexpected token '}'");
    expect(await rows.nth(1).textContent()).toContain('invalid bearer token');
    expect(await rows.nth(2).textContent()).toContain('item 0: data.conversation.conversation_id expected string, got number');
    expect(await page.locator('ul.refused').textContent()).toContain('401 token missing or wrong: 1 request');
    expect(await page.locator('pre').last().textContent()).toContain(`curl -X POST http://${new URL(live.server.url).host}/api/events`);
    await page.screenshot({ path: screenshotPath('ingest-1280'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath('ingest-390'), fullPage: true });
    const wider = await page.evaluate(() =>
      [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap, pre')).map((e) => e.tagName + '.' + e.className),
    );
    expect(wider).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('keeps the timezone when another filter of the link is invalid, and says when the timezone itself is', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    // A month that does not exist: it applies on other pages, not here, and must not cost the timezone.
    await page.goto(`${live.server.url}/ingest?tz=Asia/Tokyo&from=2026-13-01`);
    expect((await tile(page, 'Last event received')).unit).toBe('Asia/Tokyo');
    expect(await page.locator('main [role=alert]').count()).toBe(0);
    await page.goto(`${live.server.url}/ingest?tz=Bogus/Zone`);
    expect((await tile(page, 'Last event received')).unit).toBe('UTC');
    expect(await page.locator('main [role=alert]').textContent()).toBe('tz (Bogus/Zone) is not an IANA timezone (e.g. Europe/Berlin): times are shown in UTC.');
  });
});
