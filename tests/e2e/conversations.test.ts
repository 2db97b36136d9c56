import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser';
import { readFixture } from '../helpers/fixtures';
import { postEvents, postStream } from '../helpers/server';

// From the fixture stream, counted independently (created_time of each conversation): 58 created
// in October; newest 16e3e380 (10-31 09:21), then 1b604336; oldest e9a3788d (10-05 11:48), then
// ed40dc4d; the 51st oldest 3099fdf5. e9a3788d has 4 distinct events (one delivered twice).
const OCTOBER = 'from=2026-10-01&to=2026-10-31';
/** The payload stored for a conversation's events, read from the server's database file. */
const readStoredPayload = (server: { databasePath: string }, id: string) => {
  const db = new Database(server.databasePath, { readonly: true });
  try {
    return (db.prepare('select group_concat(payload) as p from events where conversation_id = ?').get(id) as { p: string }).p;
  } finally {
    db.close();
  }
};
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
    // Each step says how long after the one before it came: created 11:48:34, its first message
    // the same second, the group at 12:19:34, the agent at 16:19:34, resolved the next day at 18:07:34.
    expect(await page.locator('.timeline > li > .when .gap').allTextContents()).toEqual([' (+31 min)', ' (+4.0 h)', ' (+25.8 h)']);
    expect(await page.locator('.timeline > li.message').count()).toBeGreaterThan(0);
    expect(await page.locator('.detail-head').textContent()).toContain('4 events');
    // Its history as a file: the same changes, in time order, from creation to resolution.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export its history (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe(`history_${FIRST}.csv`);
    const history: Record<string, string>[] = parse(fs.readFileSync((await download.path())!), { columns: true, bom: true });
    expect(history.map((r) => `${r.change}:${r.to === '' ? '–' : r.change === 'status' ? r.to : 'id'}`)).toEqual(['status:new', 'group:id', 'status:assigned', 'agent:id', 'status:resolved']);
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
    // Its times read in another timezone first: the way back still names the list's own (UTC here),
    // whose days the list's range is; it took the one chosen for reading, and the rows moved.
    await page.locator('select[name=tz]').selectOption('Asia/Kolkata');
    await Promise.all([page.waitForURL(/tz=Asia%2FKolkata/), page.getByRole('button', { name: 'Show' }).click()]);
    expect(await page.locator('select[name=tz]').inputValue()).toBe('Asia/Kolkata');
    await Promise.all([page.waitForURL(/\/conversations\?/), page.getByRole('link', { name: '← Back to the conversations' }).click()]);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ from: '2026-10-01', sort: 'created', dir: 'asc', page: '2', tz: 'UTC' });
    expect((await rowIds(page))[0]).toBe(second);
  });

  it("shows one conversation whatever the list's filters, names who sent each message, and hides contact details and message content in raw events", async () => {
    // An agent's reply, from the fixture stream's agent Chen Wei (named in its associations).
    const reply = readFixture('03-onConversationUpdate.assigned-agent.json');
    // In 2025, out of the way of the October counts of the other tests.
    Object.assign(reply.data.conversation, { conversation_id: 'reply-1', created_time: '2025-06-01T10:00:00.000Z', updated_time: '2025-06-01T10:05:00.000Z' });
    reply.data.conversation.messages = [
      {
        id: 'reply-1-m1',
        conversation_id: 'reply-1',
        actor_type: 'agent',
        actor_id: reply.data.actor.id,
        message_type: 'normal',
        created_time: '2025-06-01T10:05:00.000Z',
        message_parts: [{ text: { content: 'Your card number is 4111 1111 1111 1111' } }, { image: { url: 'https://cdn.example.test/scan.png' } }],
      },
    ];
    expect((await postEvents(live.server, JSON.stringify(reply))).json.accepted).toBe(1);
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${live.server.url}/conversations/reply-1?status=closed&from=2026-10-01&to=2026-10-32&source=SMS&sort=id&tz=Europe/Berlin`);
    // Filters of the list it came from (wrong ones included) neither hide it nor show as filters of it.
    expect(await page.locator('main [role=alert]').count()).toBe(0);
    expect(await page.locator('select[name=source]').count()).toBe(0);
    expect(await page.locator('select[name=tz]').inputValue()).toBe('Europe/Berlin');
    expect(await page.locator('.timeline > li.message').textContent()).toContain('from agent Chen Wei');
    const back = new URL((await page.getByRole('link', { name: '← Back to the conversations' }).getAttribute('href'))!, live.server.url);
    expect(Object.fromEntries(back.searchParams)).toEqual({ status: 'closed', from: '2026-10-01', to: '2026-10-32', source: 'SMS', sort: 'id', tz: 'Europe/Berlin' });
    const raw = page.locator('.timeline li.event details').first();
    await raw.locator('summary').click();
    const shown = (await raw.locator('pre').textContent())!;
    for (const secret of [reply.data.actor.email, '4111', 'scan.png']) expect(shown).not.toContain(secret);
    const payload = JSON.parse(shown);
    expect(payload.data.actor.email).toBe(`(hidden: ${reply.data.actor.email.length} characters)`);
    expect(payload.data.conversation.messages[0].message_parts[0].text.content).toBe('(hidden: 39 characters)');
    // Names and ids stay: the timeline names who acted.
    expect(payload.data.actor.first_name).toBe('Chen');
    expect(payload.data.conversation.conversation_id).toBe('reply-1');
    // The stored event itself is whole: nothing is lost, only not shown here.
    expect(readStoredPayload(live.server, 'reply-1')).toContain('4111 1111 1111 1111');

    // Only the timezone applies here: a wrong one is named, and the times are in the default.
    await page.goto(`${live.server.url}/conversations/reply-1?tz=Mars/Base&status=closed`);
    expect(await page.locator('main [role=alert]').textContent()).toBe('tz (Mars/Base) is not an IANA timezone (e.g. Europe/Berlin): times are shown in UTC.');
    expect(await page.locator('.timeline > li').count()).toBeGreaterThan(1);
    // Another timezone keeps the rest of the link.
    await page.selectOption('select[name=tz]', 'Asia/Tokyo');
    await Promise.all([page.waitForURL(/tz=Asia%2FTokyo/), page.getByRole('button', { name: 'Show' }).click()]);
    expect(new URL(page.url()).searchParams.get('status')).toBe('closed');
    expect(await page.locator('.detail-head').textContent()).toContain('Created (Asia/Tokyo)');
    await page.close();
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

    // With a wrong filter in the URL (the list cannot show), an id still opens its conversation.
    const wrong = await fetch(`${live.server.url}/conversations?find=${FIRST.slice(0, 8)}&from=2026-13-01&tz=Europe/Berlin`, { redirect: 'manual' });
    expect(wrong.status).toBe(307);
    expect(wrong.headers.get('location')).toMatch(new RegExp(`/conversations/${FIRST}\\?from=2026-13-01&tz=Europe%2FBerlin$`));

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
    // Ids that look like escapes are read once, in the heading and the tab alike: `a%2Fb` is not `a/b`.
    for (const id of ['a%2Fb', '100%']) {
      const event = { event: 'onConversationCreate', data: { conversation: { conversation_id: id, created_time: '2026-08-15T11:00:00Z', status: 'new' } } }; // outside the range the list below shows
      expect((await postEvents(live.server, JSON.stringify(event))).json.accepted).toBe(1);
      await page.goto(`${live.server.url}/conversations/${encodeURIComponent(id)}`);
      expect(await page.locator('h1').textContent()).toBe(`Conversation ${id}`);
      expect(await page.title()).toBe(`Conversation ${id} · Conversation observability`);
    }
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
