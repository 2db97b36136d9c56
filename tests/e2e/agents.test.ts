import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser, tileText } from '../helpers/browser';
import { updateEvent } from '../helpers/envelopes';
import { postEvents, postStream } from '../helpers/server';

const CHEN_WEI = '51431193-e6c3-4339-9a2b-8f1ff1fd42a2'; // capacity 3, holds 2 conversations in the stream
const PRIORITY = 'b610a9f7-f927-4f4e-b8b3-33a8e5446dd4'; // a channel (topic) of the stream

const tile = (page: Page, label: string) => tileText(page, label);
const agentRow = (page: Page, name: string) => page.locator(`table.agents-now tr[data-agent="${name}"]`);
const cells = async (page: Page, name: string) => (await agentRow(page, name).locator('td').allTextContents()).map((t) => t.trim());

describe('agent load page in the browser', () => {
  const live = serverAndBrowser(async (server) => {
    expect((await postStream(server)).status).toBe(200);
    // Nobody is over capacity in the stream: two more conversations for Chen Wei make 4 of 3.
    const extra = ['overload-1', 'overload-2'].map((id, i) => {
      const state = { createdAt: `2026-10-20T0${8 + i}:00:00.000Z`, channel: PRIORITY, status: 'assigned' as const, agent: CHEN_WEI };
      return updateEvent(id, `2026-10-20T0${8 + i}:30:00.000Z`, state, { assigned_agent_id: [null, CHEN_WEI], status: ['new', 'assigned'] });
    });
    expect((await postEvents(server, JSON.stringify(extra))).json.accepted).toBe(2);
  });

  it('shows open conversations against capacity, marks the overloaded agent, draws the load, and obeys filters', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/agents?from=2026-10-01&to=2026-10-31`);
    // 15 assigned in the stream (tests/queries/agent-load.test.ts) + 2 for Chen Wei.
    expect(await tile(page, 'Open now')).toBe('17');
    expect(await tile(page, 'Over capacity')).toBe('1');
    expect(await cells(page, 'Chen Wei')).toEqual(['Chen Wei', '4', '3', '133 %⚠ over capacity', 'available · logged in']);
    expect(await agentRow(page, 'Chen Wei').getAttribute('class')).toBe('overloaded');
    expect((await cells(page, 'Jamal Okafor')).slice(0, 3)).toEqual(['Jamal Okafor', '3', '8']);
    expect(await page.locator('table.agents-now tr.overloaded').count()).toBe(1);
    expect(await page.locator('table.groups-now tbody tr').count()).toBeGreaterThanOrEqual(4);

    await page.locator('.recharts-line-curve').first().waitFor();
    expect(await page.locator('.recharts-line-curve').count()).toBe(7); // the 6 most loaded agents + the others combined
    const legend = await page.locator('.recharts-legend-item-text').allTextContents();
    expect(legend).toHaveLength(7);
    expect(legend.at(-1)).toMatch(/^\d+ other agents? combined$/);
    expect(await page.getByText("ranges over 7 days show each day's peak").isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('agents-1280'), fullPage: true });

    // The Payments topic: 5 conversations assigned now, none of them Chen Wei's extra two.
    await page.selectOption('select[name=channel]', { label: 'Payments' });
    await Promise.all([page.waitForURL(/channel=/), page.getByRole('button', { name: 'Apply' }).click()]);
    const url = new URL(page.url());
    expect(url.searchParams.get('channel')).toBe('2f978d87-1999-4e3f-a46d-6753ec148cb4');
    expect(url.searchParams.get('from')).toBe('2026-10-01');
    expect(await tile(page, 'Open now')).toBe('5');
    expect(await tile(page, 'Over capacity')).toBe('0');

    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${live.server.url}/agents?from=2026-10-01&to=2026-10-31`);
    await page.locator('.recharts-line-curve').first().waitFor();
    await page.screenshot({ path: screenshotPath('agents-390'), fullPage: true });
  });

  it('shows hourly load for a short range, and says when nothing overlaps the range', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/agents?from=2026-10-20&to=2026-10-21`);
    await page.locator('.recharts-line-curve').first().waitFor();
    expect(await page.getByText('hour (MM-DD HH:MM)').count()).toBe(1);
    await page.goto(`${live.server.url}/agents?from=2025-01-01&to=2025-01-31`);
    expect(await page.getByText('No conversation counted towards an agent during this range').isVisible()).toBe(true);
    expect(await page.locator('.recharts-line-curve').count()).toBe(0);
  });
});
