import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser, tileText } from '../helpers/browser';
import { envelope } from '../helpers/conversation-spec';
import { postEvents, postStream } from '../helpers/server';

/** The `index`th chart's table on the page, opened as a reader would: its header and rows as text. */
async function chartTable(page: Page, index = 0): Promise<{ summary: string; head: string[]; rows: string[][] }> {
  const details = page.locator('details.chart-data').nth(index);
  await details.locator('summary').click();
  // A no-break space keeps '→ assigned' on one line: read as a space.
  const head = (await details.locator('thead th').allTextContents()).map((name) => name.replaceAll('\u00a0', ' '));
  const rows = await details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent ?? '')));
  return { summary: (await details.locator('summary').textContent()) ?? '', head, rows };
}

const number = (text: string) => Number(text.replaceAll(',', ''));
const column = (table: { head: string[]; rows: string[][] }, name: string) => table.rows.map((row) => row[table.head.indexOf(name)]!);
const sum = (cells: string[]) => cells.reduce((total, cell) => total + number(cell), 0);

/**
 * Every chart has its figures as a table under it (a screen reader gets one label for the
 * drawing): the tables add up to the page's own tiles and summaries, computed apart from the chart.
 */
describe('the charts as tables', () => {
  const live = serverAndBrowser(postStream);

  it('overview: a row a day, adding up to the tiles', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${live.server.url}/?from=2026-10-01&to=2026-10-31`);
    // Folded until asked for: the chart comes first.
    expect(await page.locator('details.chart-data table').isVisible()).toBe(false);
    const table = await chartTable(page);
    expect(table.summary).toBe('Conversations created per day as a table (31 rows)');
    expect(table.head).toEqual(['day (UTC)', 'unassigned (new)', 'open (assigned)', 'resolved', 'created']);
    expect(table.rows[0]![0]).toBe('2026-10-01');
    expect(table.rows.at(-1)![0]).toBe('2026-10-31');
    expect(sum(column(table, 'created'))).toBe(number((await tileText(page, 'Created'))!));
    expect(sum(column(table, 'unassigned (new)'))).toBe(number((await tileText(page, 'Unassigned (new)'))!));
    expect(sum(column(table, 'open (assigned)'))).toBe(number((await tileText(page, 'Open (assigned)'))!));
    expect(sum(column(table, 'resolved'))).toBe(number((await tileText(page, 'Resolved'))!));
    // Row headers, so a screen reader names the day of each value.
    expect(await page.locator('details.chart-data tbody th[scope=row]').count()).toBe(31);
    await page.screenshot({ path: screenshotPath('chart-table-overview'), fullPage: true });
    await page.close();
  });

  it('transitions: each status entered per day, adding up to the Transitions tile', async () => {
    const page = await live.browser.newPage();
    await page.goto(`${live.server.url}/transitions?from=2026-10-01&to=2026-10-31&tz=Europe/Berlin`);
    const table = await chartTable(page);
    expect(table.head[0]).toBe('day (Europe/Berlin)');
    expect(table.head.slice(1)).toEqual(expect.arrayContaining(['→ assigned', '→ resolved', 'all']));
    expect(table.rows).toHaveLength(31);
    expect(sum(column(table, 'all'))).toBe(number((await tileText(page, 'Transitions'))!));
    expect(sum(column(table, '→ resolved'))).toBe(number((await tileText(page, 'Resolutions'))!));
    await page.close();
  });

  it('statistics: the distribution and the daily medians, of as many conversations as the summary counts', async () => {
    const page = await live.browser.newPage();
    await page.goto(`${live.server.url}/statistics?from=2026-10-01&to=2026-10-31`);
    // The summary's count of conversations with a first response (36, tests/e2e/statistics.test.ts).
    const counted = number((await page.locator('table.statistics-summary tr[data-statistic="first_response_time"] td').nth(1).textContent())!);
    expect(counted).toBe(36);
    const distribution = await chartTable(page, 0);
    expect(distribution.head).toEqual(['time', 'business hours (conversations)', 'calendar hours (conversations)']);
    expect(sum(column(distribution, 'business hours (conversations)'))).toBe(counted);
    expect(sum(column(distribution, 'calendar hours (conversations)'))).toBe(counted);
    const trend = await chartTable(page, 1);
    expect(trend.head).toEqual(['creation day', 'business hours (median)', 'of conversations', 'calendar hours (median)', 'of conversations']);
    expect(trend.rows).toHaveLength(31);
    expect(trend.rows.reduce((total, row) => total + number(row[2]!), 0)).toBe(counted);
    // A day without a value reads as a dash, as the chart leaves a gap; the others in hours or minutes.
    for (const row of trend.rows) expect(row[1]).toMatch(number(row[2]!) === 0 ? /^–$/ : /^\d+(\.\d)? (h|min|s)$/);
    await page.close();
  });

  it('agent load: each drawn agent a column, whose highest value is their peak in the table below', async () => {
    const page = await live.browser.newPage();
    await page.goto(`${live.server.url}/agents?from=2026-10-01&to=2026-10-31`);
    const table = await chartTable(page);
    const legend = await page.getByRole('group', { name: "Pick out an agent's line" }).getByRole('button').allTextContents();
    expect(table.head.slice(1).map((name) => name.replace(/: each \(together\)$/, ''))).toEqual(legend);
    expect(table.rows).toHaveLength(31);
    const peaks = await page.locator('table.agents-peak tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent]));
    const drawn = table.head.slice(1).filter((name) => !name.endsWith('(together)'));
    expect(drawn.length).toBeGreaterThan(0);
    for (const name of drawn) {
      const peak = peaks.find(([agent]) => agent === name)?.[1];
      expect(Math.max(...column(table, name).map((cell) => (cell === '–' ? 0 : number(cell))))).toBe(number(peak!));
    }
    await page.close();
  });

  it('ingest health: the last hour by minute, adding up to what was accepted', async () => {
    const page = await live.browser.newPage();
    await page.goto(`${live.server.url}/ingest`);
    const table = await chartTable(page);
    expect(table.head).toEqual(['minute (UTC)', 'accepted', 'duplicates', 'rejected']);
    expect(sum(column(table, 'accepted'))).toBe(239);
    expect(sum(column(table, 'duplicates'))).toBe(11);
    await page.close();
  });

  it('leaves the days after today empty ("not yet"), not 0, on the volume and transitions charts', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const day = (offset: number) => new Date(Date.parse(today) + offset * 86_400_000).toISOString().slice(0, 10);
    // A conversation created today (the stream's are in October), so both pages draw their chart;
    // last, as it adds to what Ingest health counts.
    const created = await postEvents(live.server, JSON.stringify(envelope({ id: 'created-today', created: `${today}T00:00:01Z` })));
    expect(created.json.accepted).toBe(1);
    const page = await live.browser.newPage();
    for (const path of ['/', '/transitions']) {
      await page.goto(`${live.server.url}${path}?from=${day(-2)}&to=${day(2)}&tz=UTC`);
      // In the chart, the days to come are one shaded span labelled "not yet".
      await page.locator('div.chart .recharts-reference-area').first().waitFor();
      expect(await page.locator('div.chart .recharts-reference-area').count(), path).toBe(1);
      expect(await page.locator('div.chart svg text', { hasText: 'not yet' }).count(), path).toBe(1);
      const table = await chartTable(page);
      expect(table.rows.map((row) => row[0]), path).toEqual([day(-2), day(-1), today, day(1), day(2)]);
      for (const row of table.rows.slice(0, 3)) expect(row.slice(1).every((cell) => /^\d[\d,]*$/.test(cell)), `${path} ${row}`).toBe(true);
      for (const row of table.rows.slice(3)) expect([...new Set(row.slice(1, -1))], `${path} ${row}`).toEqual(['–']);
      for (const row of table.rows.slice(3)) expect(row.at(-1), path).toBe('not yet');
    }
    await page.close();
  });
});
