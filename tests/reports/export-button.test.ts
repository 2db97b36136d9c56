import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser';
import { postStream } from '../helpers/server';

// A person on the Overview page filters, clicks Export CSV, and gets the file of what they see.
describe('Export CSV from a page', () => {
  const live = serverAndBrowser(postStream);

  it('downloads the conversations of the current filters, named after the range', async () => {
    const context = await live.browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-31&source=WHATSAPP`);
    const button = page.getByRole('link', { name: /Export CSV/ });
    expect(await button.getAttribute('href')).toContain('source=WHATSAPP');
    await page.screenshot({ path: screenshotPath('export-button-1280') });
    const [download] = await Promise.all([page.waitForEvent('download'), button.first().click()]);
    expect(download.suggestedFilename()).toBe('conversations_2026-10-01_2026-10-31.csv');
    const body = fs.readFileSync((await download.path())!);
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: Record<string, string>[] = parse(body, { columns: true, bom: true });
    // What the page's "Created" tile counts for these filters.
    const created = await page.locator('.tile', { has: page.getByText('Created', { exact: true }) }).locator('.value').textContent();
    // 13: the fixture stream's conversations from WhatsApp created in October (so the file and the tile cannot agree by both being empty).
    expect(Number(created)).toBe(13);
    expect(rows).toHaveLength(13);
    expect(rows.every((row) => row.source === 'WHATSAPP' && row.created_time!.startsWith('2026-10-'))).toBe(true);
    await context.close();
  });
});
