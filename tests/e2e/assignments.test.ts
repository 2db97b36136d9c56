import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser, tileText } from '../helpers/browser';
import { conversationStory } from '../helpers/conversation-story';
import { postEvents, postStream } from '../helpers/server';

const tile = (page: Page, label: string) => tileText(page, label);
const tileUnit = (page: Page, label: string) => tileText(page, label, 'unit');
const PRIORITY = 'b610a9f7-f927-4f4e-b8b3-33a8e5446dd4'; // the channel (topic) named "Priority"

// Expected figures counted from the raw stream by a separate script (deduplicate lines, take each
// model change with its updated_time, the latest snapshot per conversation), not through the app.
// October, all channels: 58 conversations created (6 without a group, 12 without an agent);
// agent changes: 8 reassignments (a 9th is on 2026-11-01, outside the range) in 8 of the 51
// conversations given an agent, 5 unassignments; groups: 0 reassignments, 5 unassignments.
// Channel "Priority": 21 created (19 in VIP Desk), 5 agent reassignments in 5 of 19 conversations, 2 unassignments.
describe('assignments page in the browser', () => {
  const live = serverAndBrowser(postStream);

  it('draws the flows and figures of the range, and a channel filter changes the URL and the figures', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/assignments?from=2026-10-01&to=2026-10-31`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Assignment flows');
    expect(await tile(page, 'Agent reassignments')).toBe('8');
    expect(await tileUnit(page, 'Agent reassignments')).toBe('changes · 8 conversations');
    expect(await tile(page, 'Agent reassignment rate')).toBe('15.7 %');
    expect(await tileUnit(page, 'Agent reassignment rate')).toBe('of 51 conversations given an agent');
    expect(await tile(page, 'Group reassignments')).toBe('0');
    expect(await tile(page, 'Agent unassignments')).toBe('5');
    expect(await tile(page, 'Group unassignments')).toBe('5');

    // The Sankey: 4 channels, 4 groups + "No group", 10 named agents + "Unassigned"; labels carry conversations.
    await page.locator('.flow-node').first().waitFor();
    expect(await page.locator('.flow-node[data-layer=channel]').count()).toBe(4);
    expect(await page.locator('.flow-node[data-layer=group]').count()).toBe(5);
    expect(await page.locator('.flow-node[data-layer=agent]').count()).toBe(11);
    expect(await page.locator('.recharts-sankey-link').count()).toBeGreaterThan(20);
    const labels = await page.locator('.flow-node text').allTextContents();
    expect(labels).toContain('Priority · 21');
    expect(labels).toContain('No group · 6');
    expect(labels).toContain('Unassigned · 12');
    // The flows as a table: every link once, from each node the largest first.
    await page.getByText('The same flows as a table').click();
    const flowRows = (await page.locator('details', { hasText: 'The same flows as a table' }).locator('tbody tr').evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
    )) as [string, string, string][];
    expect(flowRows.length).toBe(await page.locator('.recharts-sankey-link').count());
    const fromFirst = new Map<string, number[]>();
    for (const [from, , n] of flowRows) fromFirst.set(from, [...(fromFirst.get(from) ?? []), Number(n)]);
    for (const [from, values] of fromFirst) expect(values, from).toEqual([...values].sort((a, b) => b - a));
    expect([...fromFirst.values()].some((values) => values.length > 2 && new Set(values).size > 1)).toBe(true);
    await page.getByText('The same flows as a table').click();
    // Hovering a link names both ends and the conversations it carries.
    await page.locator('.recharts-sankey-link').first().hover();
    await page.locator('.recharts-tooltip-wrapper', { hasText: 'conversations' }).waitFor();
    expect(await page.locator('.recharts-tooltip-wrapper').textContent()).toMatch(/^.+ → .+ : \d+ conversations?$/);
    // The most frequent agent → agent path, with names resolved from the payloads.
    const firstPath = page.getByRole('table', { name: 'Agent → agent reassignments' }).locator('tbody tr').first();
    expect(await firstPath.locator('td').allTextContents()).toEqual(['Goran Petrov', 'Jamal Okafor', '2']);
    await expect(page.getByText('No conversation moved from one group to another').isVisible()).resolves.toBe(true);
    expect(await page.getByRole('table', { name: /^Unassignments/ }).locator('tbody tr').first().locator('td').allTextContents()).toEqual(['VIP Desk', 'group', '2']);
    expect(await page.locator('a.export').getAttribute('href')).toBe('/api/reports/assignments.csv?from=2026-10-01&to=2026-10-31&tz=UTC');
    await page.mouse.move(0, 0); // no tooltip in the screenshot
    await page.waitForFunction(() => [...document.querySelectorAll('.recharts-tooltip-wrapper')].every((el) => getComputedStyle(el).visibility === 'hidden'));
    await page.screenshot({ path: screenshotPath('assignments-1280'), fullPage: true });

    await page.selectOption('select[name=channel]', PRIORITY);
    await Promise.all([page.waitForURL(/channel=/), page.getByRole('button', { name: 'Apply' }).click()]);
    expect(new URL(page.url()).searchParams.get('channel')).toBe(PRIORITY);
    expect(new URL(page.url()).searchParams.get('from')).toBe('2026-10-01');
    expect(await tile(page, 'Agent reassignments')).toBe('5');
    expect(await tile(page, 'Agent reassignment rate')).toBe('26.3 %');
    expect(await tile(page, 'Agent unassignments')).toBe('2');
    await page.locator('.flow-node').first().waitFor();
    expect(await page.locator('.flow-node[data-layer=channel] text').allTextContents()).toEqual(['Priority · 21']);

    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${live.server.url}/assignments?from=2026-10-01&to=2026-10-31`);
    await page.locator('.flow-node').first().waitFor();
    await page.screenshot({ path: screenshotPath('assignments-390'), fullPage: true });
  });

  it('shows names from payloads as text, never as markup', async () => {
    const name = '<img src=x onerror="window.injected=1"> & Co';
    const envelopes = conversationStory('markup-check', 'c-markup', '2026-12-02T10:00:00.000Z', [{ at: '2026-12-02T10:05:00.000Z', group: 'g-markup', agent: 'a-markup', status: 'assigned' }]);
    for (const envelope of envelopes as { data: { associations: { channel: { name?: string } } } }[]) envelope.data.associations.channel.name = name;
    expect((await postEvents(live.server, JSON.stringify(envelopes))).json.accepted).toBe(2);
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/assignments?from=2026-12-01&to=2026-12-31`);
    await page.locator('.flow-node').first().waitFor();
    // Long names are shortened in the diagram (22 characters) and given whole in its tooltip and table.
    expect(await page.locator('.flow-node[data-layer=channel] text').textContent()).toBe(`${name.slice(0, 21)}… · 1`);
    expect(await page.locator('.flow-node[data-layer=channel] title').textContent()).toBe(`${name}: 1 conversation`);
    expect(await page.locator('select[name=channel] option', { hasText: 'onerror' }).textContent()).toBe(name);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
  });

  it('says what is missing when nothing matches', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/assignments?from=2025-01-01&to=2025-01-31`);
    expect(await tile(page, 'Agent reassignments')).toBe('0');
    expect(await tile(page, 'Agent reassignment rate')).toBe('–');
    await expect(page.getByText('No conversation was created in this range with these filters').isVisible()).resolves.toBe(true);
    expect(await page.locator('.recharts-sankey-node, .flow-node').count()).toBe(0);
  });
});
