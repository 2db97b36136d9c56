import { describe, expect, it } from 'vitest';
import { serverAndBrowser, tileText } from '../helpers/browser';
import { streamLines } from '../helpers/fixtures';
import { postStream } from '../helpers/server';
import { todayIn } from '@/lib/filters/parse-filters';

/**
 * DASHBOARD_TZ: a team in Tokyo opens `/` without a `tz` and gets its own days, and the links the
 * page writes name that zone, so they read the same when shared.
 */
const streamConversationId: string = JSON.parse(streamLines()[0]!).data.conversation.conversation_id;

describe("the team's timezone (DASHBOARD_TZ)", () => {
  const live = serverAndBrowser(postStream, { env: { DASHBOARD_TZ: 'Asia/Tokyo' } });

  it('is the default of every page, named in the filter bar and carried by its links', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${live.server.url}/`);
    const zone = page.locator('select[name=tz]');
    expect(await zone.inputValue()).toBe('Asia/Tokyo');
    expect(await zone.locator('option:checked').textContent()).toBe('Asia/Tokyo (default)');
    // The default range ends on Tokyo's today, which UTC's may not be yet (or any more).
    expect(await page.locator('input[name=to]').inputValue()).toBe(todayIn('Asia/Tokyo'));
    // Exports name the zone: a report opened from here reads the same days wherever it is sent.
    expect(await page.locator('a.export').first().getAttribute('href')).toContain('tz=Asia%2FTokyo');

    // 16 October: two of the fixtures' conversations were created that day in Tokyo (between
    // 15:00 and 24:00 UTC on the 15th), none that day in UTC.
    await page.goto(`${live.server.url}/?from=2026-10-16&to=2026-10-16`);
    expect(await zone.inputValue()).toBe('Asia/Tokyo');
    expect(await tileText(page, 'Created')).toBe('2');
    // The header's links name the zone as soon as they carry anything, so a copied link reads the same on a UTC server.
    expect(await page.getByRole('link', { name: 'Statistics', exact: true }).getAttribute('href')).toBe('/statistics?from=2026-10-16&to=2026-10-16&tz=Asia%2FTokyo');
    await page.goto(`${live.server.url}/?from=2026-10-16&to=2026-10-16&tz=UTC`);
    expect(await tileText(page, 'Created')).toBe('0');
    expect(await page.getByRole('link', { name: 'Statistics', exact: true }).getAttribute('href')).toBe('/statistics?from=2026-10-16&to=2026-10-16&tz=UTC');
    // A conversation opened from a list without a zone leads back to it with the zone named.
    await page.goto(`${live.server.url}/conversations/${encodeURIComponent(streamConversationId)}?from=2026-10-16&to=2026-10-16`);
    expect(await page.getByRole('link', { name: '← Back to the conversations' }).getAttribute('href')).toBe('/conversations?from=2026-10-16&to=2026-10-16&tz=Asia%2FTokyo');

    // Another zone chosen in the URL wins; the default stays marked in the list.
    await page.goto(`${live.server.url}/?tz=Europe/Berlin`);
    expect(await zone.inputValue()).toBe('Europe/Berlin');
    expect(await zone.locator('option', { hasText: '(default)' }).textContent()).toBe('Asia/Tokyo (default)');

    await page.goto(`${live.server.url}/ingest`);
    expect(await tileText(page, 'Last event received', 'unit')).toBe('Asia/Tokyo');
    await page.close();
  });
});
