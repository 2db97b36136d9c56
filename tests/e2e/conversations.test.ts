import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser';
import { postEvents, postStream } from '../helpers/server';

// From the fixture stream, counted independently (created_time of each conversation): 58 created
// in October; newest 16e3e380 (10-31 09:21), then 1b604336; oldest e9a3788d (10-05 11:48), then
// ed40dc4d; the 51st oldest 3099fdf5. e9a3788d has 4 distinct events (one delivered twice).
const OCTOBER = 'from=2026-10-01&to=2026-10-31';
const FIRST = 'e9a3788d-cafd-4d7e-bc6f-6237b466120d';

const rowIds = (page: Page) => page.locator('table.conversations tbody td.id a').evaluateAll((links) => links.map((a) => a.getAttribute('title')));
const rowsText = async (page: Page) => (await page.locator('.pager .rows').first().textContent())?.trim();
const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('conversations in the browser', () => {
  const live = serverAndBrowser(async (server) => {
    const posted = await postStream(server);
    expect(posted.status).toBe(200);
  });

  it('lists, sorts, pages and filters the conversations of the range, then drills down to one', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${live.server.url}/conversations?${OCTOBER}`);
    expect(await rowsText(page)).toBe('rows 1–50 of 58');
    expect((await rowIds(page)).slice(0, 2)).toEqual(['16e3e380-47e1-438b-91ea-041814d4954e', '1b604336-b6f3-408a-8406-d47fae6ac89a']);
    expect(await page.locator('th[aria-sort=descending]').textContent()).toContain('Created');
    await page.screenshot({ path: screenshotPath('conversations-1280'), fullPage: true });

    // The sorted header toggles to ascending and goes back to page 1.
    await Promise.all([page.waitForURL(/dir=asc/), page.getByRole('link', { name: 'Created' }).click()]);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ from: '2026-10-01', to: '2026-10-31', sort: 'created', dir: 'asc', page: '1' });
    expect((await rowIds(page)).slice(0, 2)).toEqual([FIRST, 'ed40dc4d-7cff-446c-9249-25d41ed334d0']);

    await Promise.all([page.waitForURL(/page=2/), page.getByRole('link', { name: 'Next →' }).first().click()]);
    expect(await rowsText(page)).toBe('rows 51–58 of 58');
    expect((await rowIds(page))[0]).toBe('3099fdf5-ab99-454a-a901-e35cd47d380d');

    // Applying a filter keeps the order.
    await page.selectOption('select[name=source]', 'WHATSAPP');
    await Promise.all([page.waitForURL(/source=WHATSAPP/), page.getByRole('button', { name: 'Apply' }).click()]);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ sort: 'created', dir: 'asc', source: 'WHATSAPP' });
    expect(await rowsText(page)).toBe('rows 1–13 of 13');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${live.server.url}/conversations?${OCTOBER}&sort=created&dir=asc`);
    expect(await noSideways(page)).toBe(true);
    await page.screenshot({ path: screenshotPath('conversations-390'), fullPage: true });

    // Drill down: the first row's link opens its history, filters carried.
    await page.setViewportSize({ width: 1280, height: 900 });
    await Promise.all([page.waitForURL(new RegExp(`/conversations/${FIRST}\\?`)), page.locator(`a[title="${FIRST}"]`).click()]);
    expect(new URL(page.url()).searchParams.get('from')).toBe('2026-10-01');
    expect(await page.locator('h1').textContent()).toBe(`Conversation ${FIRST}`);
    expect(await page.locator('.timeline > li.event').count()).toBe(4);
    expect(await page.locator('.timeline > li.event .kind').first().textContent()).toBe('Created');
    expect(await page.locator('.timeline > li.message').count()).toBeGreaterThan(0);
    expect(await page.locator('.detail-head').textContent()).toContain('4 events');
    expect(await page.locator('table.data tbody tr').count()).toBe(7);
    const raw = page.locator('.timeline details').first();
    expect(await raw.locator('pre').isVisible()).toBe(false);
    await raw.locator('summary').click();
    expect(await raw.locator('pre').isVisible()).toBe(true);
    const payload = JSON.parse((await raw.locator('pre').textContent())!);
    expect(payload.data.conversation.conversation_id).toBe(FIRST);
    expect(payload).not.toHaveProperty('iparams');
    await page.screenshot({ path: screenshotPath('conversation-detail-1280'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await noSideways(page)).toBe(true);
    await page.screenshot({ path: screenshotPath('conversation-detail-390'), fullPage: true });

    // The way back returns to the same order and page of the table, not to its default first page.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${live.server.url}/conversations?${OCTOBER}&sort=created&dir=asc&page=2`);
    const second = (await rowIds(page))[0]!;
    await Promise.all([page.waitForURL(new RegExp(`/conversations/${second}\\?`)), page.locator(`a[title="${second}"]`).click()]);
    await Promise.all([page.waitForURL(/\/conversations\?/), page.getByRole('link', { name: '← Back to the conversations' }).click()]);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ from: '2026-10-01', sort: 'created', dir: 'asc', page: '2' });
    expect((await rowIds(page))[0]).toBe(second);
  });

  it('opens a conversation from its id or the beginning of it, keeping the range and timezone', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${live.server.url}/conversations?${OCTOBER}&tz=Europe/Berlin&sort=created&dir=asc`);
    const search = page.getByRole('searchbox', { name: 'Open a conversation by id' });
    // The beginning of an id, as the table shows it: one match opens it.
    await search.fill(FIRST.slice(0, 8));
    await Promise.all([page.waitForURL(new RegExp(`/conversations/${FIRST}\\?`)), page.getByRole('button', { name: 'Open' }).click()]);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ from: '2026-10-01', to: '2026-10-31', tz: 'Europe/Berlin' });
    expect(await page.locator('h1').textContent()).toBe(`Conversation ${FIRST}`);

    // Nothing matches: the list stays, with a note, and the text stays in the box.
    await page.goto(`${live.server.url}/conversations?${OCTOBER}`);
    await search.fill('0000dead');
    await Promise.all([page.waitForURL(/find=0000dead/), search.press('Enter')]);
    expect(await page.locator('.find-result').textContent()).toContain('No conversation has the id 0000dead or an id beginning with it');
    expect(await search.inputValue()).toBe('0000dead');
    expect(await rowsText(page)).toBe('rows 1–50 of 58');

    // Several match: each is a link, outside the range too.
    for (const id of ['find-me-1', 'find-me-2']) {
      const created = { event: 'onConversationCreate', data: { conversation: { conversation_id: id, created_time: '2025-03-01T10:00:00Z', status: 'new' } } };
      expect((await postEvents(live.server, JSON.stringify(created))).json.accepted).toBe(1);
    }
    await search.fill('find-me');
    await Promise.all([page.waitForURL(/find=find-me/), search.press('Enter')]);
    expect(await page.locator('.find-result').locator('p').textContent()).toBe('2 conversations have an id beginning with find-me:');
    await Promise.all([page.waitForURL(/\/conversations\/find-me-2\?/), page.getByRole('link', { name: 'find-me-2' }).click()]);
    await page.locator('h1', { hasText: 'Conversation find-me-2' }).waitFor({ timeout: 10_000 });
  });

  it('answers an unknown or hostile id with a 404 page, and bad table parameters with a message', async () => {
    const page = await live.browser.newPage();
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs += 1;
      void dialog.dismiss();
    });
    for (const id of ['not-a-conversation', encodeURIComponent('<script>alert(1)</script>'), encodeURIComponent("' or 1=1 --"), 'x'.repeat(500), '%25']) {
      const response = await page.goto(`${live.server.url}/conversations/${id}`);
      expect(response?.status(), id).toBe(404);
      // Waits for it (the not-found page may stream in after the response starts); fails if it never shows.
      await page.getByText('No conversation with this id is stored').waitFor({ state: 'visible', timeout: 10_000 });
    }
    expect(dialogs).toBe(0);
    // A malformed percent escape names no page: a 400 that says so, not a bare 500.
    for (const id of ['%E0%A4%A', 'abc%']) {
      const response = await page.goto(`${live.server.url}/conversations/${id}`);
      expect(response?.status(), id).toBe(400);
      await page.getByText('malformed percent escape').waitFor({ state: 'visible', timeout: 10_000 });
    }

    // An id with characters that need escaping in a URL and in HTML still finds its conversation, as text.
    const odd = 'odd id/<b>&"x"?';
    const created = { event: 'onConversationCreate', data: { conversation: { conversation_id: odd, created_time: '2026-09-15T10:00:00Z', status: 'new' } } };
    expect((await postEvents(live.server, JSON.stringify(created))).json.accepted).toBe(1);
    const oddResponse = await page.goto(`${live.server.url}/conversations/${encodeURIComponent(odd)}`);
    expect(oddResponse?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe(`Conversation ${odd}`);
    expect(await page.locator('.timeline > li.event').count()).toBe(1);
    await page.goto(`${live.server.url}/conversations?from=2026-09-01&to=2026-09-30`);
    await Promise.all([page.waitForURL(/\/conversations\/odd/), page.locator('table.conversations tbody td.id a').first().click()]);
    // A client-side navigation: the heading follows the URL shortly after.
    await page.locator('h1', { hasText: `Conversation ${odd}` }).waitFor({ timeout: 10_000 });
    expect(await page.locator('h1').textContent()).toBe(`Conversation ${odd}`);

    await page.goto(`${live.server.url}/conversations?${OCTOBER}&sort=payload&dir=sideways`);
    const alert = await page.locator('.error[role=alert]').textContent();
    expect(alert).toContain('sort: expected one of id, created');
    expect(alert).toContain('dir: expected asc or desc');

    await page.goto(`${live.server.url}/conversations?from=2025-01-01&to=2025-01-31`);
    expect(await page.locator('.empty').textContent()).toBe('No conversation was created in this range with these filters. Widen the dates or remove a filter.');

    await page.goto(`${live.server.url}/conversations?${OCTOBER}&page=9`);
    expect(await page.locator('.empty').textContent()).toContain('Page 9 is past the last page: 58 conversations make 2 pages.');
    await Promise.all([page.waitForURL(/page=1/), page.getByRole('link', { name: 'Go to page 1' }).click()]);
    expect(await rowsText(page)).toBe('rows 1–50 of 58');
  });
});
