import type { Frame, Page, Request } from 'playwright-core';
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
    expect(await page.locator('.recharts-line-curve').count()).toBe(7); // the 6 most loaded agents + the others' line
    const legendButtons = page.getByRole('group', { name: "Pick out an agent's line" }).getByRole('button');
    const legend = await legendButtons.allTextContents();
    expect(legend).toHaveLength(7);
    expect(legend.at(-1)).toMatch(/^\d+ other agents, average$/);
    // Pointing at a day: the other agents' line gives their load per agent and together.
    const chart = page.locator('.chart .recharts-wrapper').first();
    const size = (await chart.boundingBox())!;
    await chart.hover({ position: { x: size.width * 0.5, y: size.height * 0.5 } });
    const others = page.locator('.recharts-tooltip-item', { hasText: 'other agents, average' });
    await others.waitFor();
    expect(await others.textContent()).toMatch(/other agents, average\s*:\s*\d+(\.\d)? conversations each \(\d+ together\)/);
    // In the legend's order (recharts' own is by name: "Émile" came after "8 other agents").
    expect(await page.locator('.recharts-tooltip-item-name').allTextContents()).toEqual(legend);
    await page.mouse.move(0, 0); // no tooltip in the screenshot
    await page.waitForFunction(() => [...document.querySelectorAll('.recharts-tooltip-wrapper')].every((el) => getComputedStyle(el).visibility === 'hidden'));
    expect(await page.getByText("ranges over 7 days show each day's peak").isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('agents-1280'), fullPage: true });

    // Equal loads draw on the same steps: a name in the legend picks out its line (the keyboard: tests/e2e/keyboard.test.ts).
    const opacities = () => page.locator('.recharts-line-curve').evaluateAll((lines) => lines.map((line) => line.getAttribute('stroke-opacity')));
    expect(new Set(await opacities())).toEqual(new Set(['1']));
    const third = legendButtons.nth(2);
    await third.hover();
    expect(await opacities()).toEqual(['0.15', '0.15', '1', '0.15', '0.15', '0.15', '0.15']);
    expect(await third.getAttribute('aria-pressed')).toBe('false'); // pointing at it is no press
    await third.click();
    await page.mouse.move(0, 0);
    expect(await opacities()).toEqual(['0.15', '0.15', '1', '0.15', '0.15', '0.15', '0.15']); // kept after the pointer leaves
    expect(await third.getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: screenshotPath('agents-picked-1280') });
    await third.click();
    await page.mouse.move(0, 0);
    expect(new Set(await opacities())).toEqual(new Set(['1']));
    expect(await third.getAttribute('aria-pressed')).toBe('false');

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

describe('agent load page of a large team', () => {
  // 25 agents, agent N holding N conversations (capacity 10): the tables list the 20 most loaded.
  const AGENTS = 25;
  const agentName = (n: number) => `Agent ${String(n).padStart(2, '0')}`;
  const team = serverAndBrowser(async (server) => {
    const events = Array.from({ length: AGENTS }, (_, i) => i + 1).flatMap((n) =>
      Array.from({ length: n }, (_, k) => {
        const id = `team-${n}-${k}`;
        const agent = `agent-${n}`;
        const state = { createdAt: `2026-10-10T08:${String(k).padStart(2, '0')}:00.000Z`, status: 'assigned' as const, agent };
        return updateEvent(id, `2026-10-10T09:${String(k).padStart(2, '0')}:00.000Z`, state, { assigned_agent_id: [null, agent], status: ['new', 'assigned'] }, { agent: { id: agent, name: agentName(n), capacity: 10 } });
      }),
    );
    expect((await postEvents(server, JSON.stringify(events))).json.accepted).toBe(events.length);
  });

  it('lists the 20 most loaded agents in each table, all of them one link away, and keeps that choice when filtering', async () => {
    const page = await team.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${team.server.url}/agents?from=2026-10-01&to=2026-10-31`);
    await page.locator('.recharts-line-curve').first().waitFor();
    // The tiles count every agent; the tables list the first 20, most loaded first.
    expect(await tile(page, 'Open now')).toBe(String((AGENTS * (AGENTS + 1)) / 2));
    expect(await tile(page, 'Over capacity')).toBe('15');
    const listedNow = () => page.locator('table.agents-now tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-agent')));
    expect(await listedNow()).toEqual(Array.from({ length: 20 }, (_, i) => agentName(AGENTS - i)));
    expect(await page.locator('table.agents-peak tbody tr').count()).toBe(20);
    expect(await page.getByText('The 20 most loaded (open conversations against capacity), of 25 agents.').isVisible()).toBe(true);
    expect(await page.getByText('The 20 with the highest peak, of 25 agents.').isVisible()).toBe(true);

    await page.screenshot({ path: screenshotPath('agents-first-20-1280'), fullPage: true });
    await Promise.all([page.waitForURL(/rows=all/), page.getByRole('link', { name: 'Show all 25' }).first().click()]);
    expect(await listedNow()).toHaveLength(25);
    expect(await page.locator('table.agents-peak tbody tr').count()).toBe(25);
    await page.screenshot({ path: screenshotPath('agents-all-1280'), fullPage: true });

    // A filter applied from the full list keeps it full.
    await page.fill('input[name=from]', '2026-10-05');
    await Promise.all([page.waitForURL(/from=2026-10-05/), page.getByRole('button', { name: 'Apply' }).click()]);
    expect(new URL(page.url()).searchParams.get('rows')).toBe('all');
    expect(await listedNow()).toHaveLength(25);
    await Promise.all([page.waitForURL((url) => !url.searchParams.has('rows')), page.getByRole('link', { name: 'Show the 20 first' }).first().click()]);
    expect(await listedNow()).toHaveLength(20);
    expect(new URL(page.url()).searchParams.get('from')).toBe('2026-10-05');
  });

  it('finds agents in a long filter list by name, keeps the chosen ones in view, and filters by them', async () => {
    const page = await team.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${team.server.url}/agents?from=2026-10-01&to=2026-10-31`);
    const search = page.getByRole('searchbox', { name: 'Find agents' });
    expect(await search.getAttribute('placeholder')).toBe('Find among 25 agents');
    // Short lists (5 statuses, the stream's few channels) get no search box.
    expect(await page.getByRole('searchbox').count()).toBe(1);
    const visible = () => page.locator('select[name=agent] option').evaluateAll((options) => options.filter((o) => !(o as HTMLOptionElement).hidden).map((o) => o.textContent));
    expect(await visible()).toHaveLength(25);

    await search.fill('agent 1');
    expect(await visible()).toEqual(Array.from({ length: 10 }, (_, i) => agentName(10 + i)));
    await page.selectOption('select[name=agent]', ['agent-12', 'agent-17']);
    expect(await page.getByText('2 chosen').isVisible()).toBe(true);
    // Another search hides the others but not the two chosen.
    await search.fill('AGENT 2');
    expect(await visible()).toEqual([agentName(12), agentName(17), ...Array.from({ length: 6 }, (_, i) => agentName(20 + i))]);
    // A text that finds nothing says so (the list shows only the chosen ones).
    await search.fill('nobody by that name');
    expect(await visible()).toEqual([agentName(12), agentName(17)]);
    expect(await page.getByText('2 chosen · none match “nobody by that name”').isVisible()).toBe(true);
    await search.fill('AGENT 2');
    await page.screenshot({ path: screenshotPath('agents-filter-search-1280'), clip: { x: 0, y: 0, width: 1280, height: 400 } });

    await Promise.all([page.waitForURL(/agent=/), page.getByRole('button', { name: 'Apply' }).click()]);
    const url = new URL(page.url());
    expect(url.searchParams.getAll('agent')).toEqual(['agent-12', 'agent-17']);
    expect([...url.searchParams.keys()]).not.toContain('');
    expect(await tile(page, 'Open now')).toBe(String(12 + 17));
    // The filters in force are named under the bar, with a way to drop them and keep the range.
    expect(await page.locator('p.applied').textContent()).toBe(`Filtered to agent ${agentName(12)}, ${agentName(17)}. Drop these filters`);
    const drawn = page.locator('p.range', { hasText: 'highest peak' });
    expect(await drawn.textContent()).toContain('The 2 agents with the highest peak are drawn.');
    await page.goto(`${team.server.url}/agents?from=2026-10-01&to=2026-10-31&agent=agent-12`);
    expect(await drawn.textContent()).toContain('The 1 agent with the highest peak is drawn.');
    await Promise.all([page.waitForURL((u) => !u.search.includes('agent=')), page.getByRole('link', { name: 'Drop these filters' }).click()]);
    expect(new URL(page.url()).searchParams.get('from')).toBe('2026-10-01');
    expect(await page.locator('p.applied').count()).toBe(0);
    // A range nobody was assigned in says so, without a sentence about the lines of no agent.
    await page.goto(`${team.server.url}/agents?from=2027-01-01&to=2027-01-05`);
    expect(await page.locator('p.empty', { hasText: 'No conversation counted towards an agent' }).count()).toBe(1);
    expect(await page.locator('p.range', { hasText: 'A conversation counts towards' }).textContent()).not.toContain('highest peak');
    await page.goto(`${team.server.url}/agents?from=2026-10-01&to=2026-10-31&agent=agent-12`);

    // Enter in the search box chooses the first match instead of submitting a half-typed search.
    // Any submission or navigation is caught as it starts, not by the URL changing some time later
    // (a GET form submitted to the same URL would not change it at all): the page records every
    // submit event and every navigation it starts (the Navigation API's navigate event, fired
    // synchronously for form submissions, reloads, location changes and history entries alike),
    // the records live on this document (a new one would not have them), and the browser reports
    // every navigation request and committed navigation. From once the search box is drawn: the
    // page has started by then (Next's router records its state in the history entry as it starts).
    await search.waitFor();
    const before = page.url();
    const navigations: string[] = [];
    const onRequest = (request: Request) => void (request.isNavigationRequest() && navigations.push(`request ${request.method()} ${request.url()}`));
    const onNavigated = (frame: Frame) => void (frame === page.mainFrame() && navigations.push(`navigated ${frame.url()}`));
    page.on('request', onRequest);
    page.on('framenavigated', onNavigated);
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      window.addEventListener('submit', (event) => seen.push(`submit ${(event.target as HTMLFormElement).action}`), { capture: true });
      (window as unknown as { navigation: EventTarget }).navigation.addEventListener('navigate', (event) => {
        const { navigationType, destination } = event as Event & { navigationType: string; destination: { url: string } };
        seen.push(`navigate ${navigationType} ${destination.url}`);
      });
    });
    await search.fill('agent 19');
    await search.press('Enter');
    // Both fire during the key press itself, before press() returns.
    expect(await page.evaluate(() => (window as unknown as { seen?: string[] }).seen)).toEqual([]);
    expect(await search.inputValue()).toBe('');
    expect(await page.locator('select[name=agent]').evaluate((s) => [...(s as HTMLSelectElement).selectedOptions].map((o) => o.value))).toEqual(['agent-12', 'agent-19']);
    expect(await page.getByText('2 chosen').isVisible()).toBe(true);
    // Still nothing, on the same document, after these round trips.
    expect(await page.evaluate(() => (window as unknown as { seen?: string[] }).seen)).toEqual([]);
    page.off('request', onRequest);
    page.off('framenavigated', onNavigated);
    expect(navigations).toEqual([]);
    expect(page.url()).toBe(before);

    // The range presets change the range only: the agents chosen and the page's own parameters stay.
    await page.goto(`${team.server.url}/agents?from=2026-10-01&to=2026-10-31&agent=agent-12&source=WHATSAPP&rows=all`);
    const preset = new URL((await page.getByRole('link', { name: '7 days', exact: true }).getAttribute('href'))!, team.server.url);
    expect(preset.searchParams.get('agent')).toBe('agent-12');
    expect(preset.searchParams.get('source')).toBe('WHATSAPP');
    expect(preset.searchParams.get('rows')).toBe('all');
    expect(preset.searchParams.get('from')).not.toBe('2026-10-01');

    // An agent id no event described (an old link): shown chosen in the list, not silently dropped.
    await page.goto(`${team.server.url}/agents?from=2026-10-01&to=2026-10-31&agent=agent-12&agent=gone-agent`);
    const chosen = await page.locator('select[name=agent]').evaluate((s) => [...(s as HTMLSelectElement).selectedOptions].map((o) => o.textContent));
    expect(chosen).toEqual(['gone-agent (not in the data)', agentName(12)]);
    await Promise.all([page.waitForURL(/from=2026-10-02/), page.fill('input[name=from]', '2026-10-02').then(() => page.getByRole('button', { name: 'Apply' }).click())]);
    expect(new URL(page.url()).searchParams.getAll('agent')).toEqual(['gone-agent', 'agent-12']);
  });

  it('says why no agent or group is listed now when the chosen agent and group do not meet', async () => {
    const page = await team.browser.newPage({ viewport: { width: 1280, height: 800 } });
    // agent-12 holds 12 open conversations, none of them in a group (the events name none).
    await page.goto(`${team.server.url}/agents?from=2026-10-01&to=2026-10-31&agent=agent-12&group=no-such-group`);
    const empty = await page.locator('p.empty').allTextContents();
    expect(empty).toContain('None of the chosen agents is an agent of the chosen groups or holds one of their open conversations now.');
    expect(empty).toContain('No group has one of the chosen agents, or a conversation open or waiting with these filters.');
    // Not "no agent is known", which read as if agent-12 did not exist.
    expect(empty.join(' ')).not.toContain('No agent is known');
  });
});
