import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser';
import { envelope } from '../helpers/conversation-spec';
import { postEvents, postStream } from '../helpers/server';

/** A summary row's cells: statistic, count, median b/c, p90 b/c, mean b/c. */
const row = async (page: Page, statistic: string) =>
  (await page.locator(`table.statistics-summary tr[data-statistic="${statistic}"] td`).allTextContents()).map((t) => t.trim());

/** Each chart's value-axis labels, read as numbers ("1.5K" is 1,500), bottom up. */
const valueAxes = (page: Page) =>
  page.locator('.recharts-yAxis-tick-labels').evaluateAll((axes) =>
    axes.map((axis) =>
      [...axis.querySelectorAll('.recharts-cartesian-axis-tick-value')]
        .map((tick) => tick.textContent!.trim())
        .map((text) => Number(text.replace(/K$/, '')) * (text.endsWith('K') ? 1000 : 1))
        .sort((a, b) => a - b),
    ),
  );

/** From zero, evenly, 1, 2 or 5 times a power of ten apart (lib/format.ts, niceAxis). */
function expectNiceTicks(ticks: number[]) {
  expect(ticks[0]).toBe(0);
  const step = ticks[1]! - ticks[0]!;
  ticks.forEach((tick, i) => expect(tick).toBeCloseTo(i * step, 9));
  expect([1, 2, 5]).toContain(Number((step / 10 ** Math.floor(Math.log10(step) + 1e-9)).toFixed(6)));
}

describe('statistics page in the browser', () => {
  const live = serverAndBrowser(async (server) => {
    expect((await postStream(server)).status).toBe(200);
    // A quick team in September (the stream has none): first responses of 6, 12 and 20 minutes and
    // a 30-second wait, as Freshchat sends them, in hours.
    const quick = [0.1, 0.2, 1 / 3].map((firstResponse, i) =>
      envelope({
        id: `quick-${i}`,
        created: `2026-09-0${i + 1}T10:00:00Z`,
        statistics: { first_response_time_bhrs: firstResponse, first_response_time_chrs: firstResponse, wait_time_bhrs: 30 / 3600, wait_time_chrs: 30 / 3600 },
      }),
    );
    expect((await postEvents(server, JSON.stringify(quick))).json.accepted).toBe(3);
  });

  it('shows every statistic in business and calendar hours, its distribution, trend and breakdowns; filters change URL and figures', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/statistics?from=2026-10-01&to=2026-10-31`);
    // Medians worked out from the stream (tests/queries/overview.test.ts): first response 2.5 / 6 h over 36, resolution 22.5 / 37 h.
    const first = await row(page, 'first_response_time');
    expect(first.slice(0, 4)).toEqual(['First response', '36', '2.5 h', '6.0 h']);
    expect((await row(page, 'resolution_time')).slice(2, 4)).toEqual(['22.5 h', '37.0 h']);
    expect(await page.locator('table.statistics-summary tbody tr').count()).toBe(7);

    await page.locator('.recharts-bar-rectangle').first().waitFor();
    expect(await page.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(5);
    expect(await page.locator('.recharts-line-curve').count()).toBe(2);
    const legends = await page.locator('.recharts-legend-item-text').allTextContents();
    expect(legends).toEqual(expect.arrayContaining(['business hours', 'calendar hours', 'business hours (median)', 'calendar hours (median)']));
    expect(await page.locator('table.breakdown').first().locator('tbody tr').count()).toBe(4); // four groups answered in October
    // Both value axes (conversations per bin, median hours) read on round steps.
    const axes = await valueAxes(page);
    expect(axes).toHaveLength(2);
    for (const ticks of axes) expectNiceTicks(ticks);
    await page.screenshot({ path: screenshotPath('statistics-1280'), fullPage: true });

    // Another statistic in detail, then a filter: the choice of statistic survives Apply.
    await Promise.all([page.waitForURL(/statistic=resolution_time/), page.locator('nav.picker').getByText('Resolution', { exact: true }).click()]);
    expect(await page.getByRole('heading', { name: 'Resolution: details' }).isVisible()).toBe(true);
    await page.selectOption('select[name=source]', 'WHATSAPP');
    await Promise.all([page.waitForURL(/source=WHATSAPP/), page.getByRole('button', { name: 'Apply' }).click()]);
    const url = new URL(page.url());
    expect(url.searchParams.get('statistic')).toBe('resolution_time');
    expect(url.searchParams.get('from')).toBe('2026-10-01');
    // WhatsApp in October: median resolution 11 h business (tests/e2e/overview.test.ts).
    expect((await row(page, 'resolution_time')).slice(2, 3)).toEqual(['11.0 h']);
    expect(await page.getByRole('heading', { name: 'Resolution: details' }).isVisible()).toBe(true);

    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${live.server.url}/statistics?from=2026-10-01&to=2026-10-31`);
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await page.screenshot({ path: screenshotPath('statistics-390'), fullPage: true });
  });

  it('reads times under an hour in minutes and seconds, in the tables, the bins and the trend axis', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/statistics?from=2026-09-01&to=2026-09-30`);
    // Median of 6, 12, 20 min; p90 at rank 1.8: 12 + 0.8 × 8 = 18.4 min; mean 12.7 min.
    expect((await row(page, 'first_response_time')).slice(1)).toEqual(['3', '12 min', '12 min', '18 min', '18 min', '13 min', '13 min']);
    expect((await row(page, 'wait_time')).slice(2, 4)).toEqual(['30 s', '30 s']);
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    const bins = await page
      .locator('.recharts-xAxis-tick-labels')
      .first()
      .evaluate((axis) => [...axis.querySelectorAll('.recharts-cartesian-axis-tick-value')].map((tick) => tick.textContent));
    expect(bins.slice(0, 4)).toEqual(['0–15 min', '15–30 min', '30 min–1 h', '1–2 h']);
    // The trend is plotted in minutes: 6, 12, 20 on an axis to 20 or 25, not 0.1–0.35 h.
    expect(await page.getByText('median, minutes').isVisible()).toBe(true);
    const [, trendTicks] = await valueAxes(page);
    expectNiceTicks(trendTicks!);
    expect(trendTicks!.at(-1)).toBeGreaterThanOrEqual(20);
    expect(trendTicks!.at(-1)).toBeLessThanOrEqual(25);
    // Pointing at a day's median: its value as the tables write it, and how many conversations it is of.
    const second = page.locator('.recharts-line-dots').first().locator('circle').nth(1);
    await second.scrollIntoViewIfNeeded();
    const dot = (await second.boundingBox())!;
    await page.mouse.move(dot.x + dot.width / 2, dot.y + dot.height / 2);
    const tooltip = page.locator('.recharts-tooltip-item').first();
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toMatch(/business hours \(median\)\s*:\s*12 min \(of 1 conversation\)/);
    await page.screenshot({ path: screenshotPath('statistics-minutes-1280'), fullPage: true });
  });

  it('says so when the link names no statistic, and shows the first one', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/statistics?from=2026-10-01&to=2026-10-31&statistic=first_reponse_time`);
    expect(await page.locator('main [role=alert]').textContent()).toContain('There is no statistic “first_reponse_time”: showing first response instead');
    expect(await page.getByRole('heading', { name: 'First response: details' }).isVisible()).toBe(true);
  });

  it('says what is missing instead of drawing an empty chart', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${live.server.url}/statistics?from=2025-01-01&to=2025-01-31`);
    expect(await page.getByText('No conversation created in this range with these filters has a first response time yet').isVisible()).toBe(true);
    expect(await page.locator('.recharts-surface').count()).toBe(0);
  });
});
