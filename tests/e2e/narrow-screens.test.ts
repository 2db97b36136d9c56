import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser';
import { postStream } from '../helpers/server';

const RANGE = 'from=2026-10-01&to=2026-10-31';
const PHONE = { width: 390, height: 844 };

type Box = { left: number; right: number; top: number; bottom: number; text: string };

/** The tooltip of `chart` (a .recharts-wrapper) once shown where the pointer is, or null when none shows there. */
async function tooltipAt(page: Page, chart: Locator, x: number, y: number): Promise<Box | null> {
  await page.mouse.move(x, y);
  const tooltip = chart.locator('.recharts-tooltip-wrapper');
  try {
    await tooltip.and(page.locator('[style*="visibility: visible"]')).waitFor({ timeout: 300 });
  } catch {
    return null;
  }
  // Recharts places a tooltip after measuring it: read until two frames apart agree.
  const read = () =>
    tooltip.evaluate(async (element) => {
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const rect = element.getBoundingClientRect();
      return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom, text: (element as HTMLElement).innerText };
    });
  let box = await read();
  for (let tries = 0; tries < 20; tries++) {
    const again = await read();
    if (JSON.stringify(again) === JSON.stringify(box)) break;
    box = again;
  }
  return box;
}

/** Inside the screen (and `frame`, when given), with a pixel for rounding. */
function expectInside(box: Box, frame?: { x: number; width: number }) {
  const where = JSON.stringify(box);
  expect(box.left, where).toBeGreaterThanOrEqual(frame?.x ?? 0);
  expect(box.right, where).toBeLessThanOrEqual((frame ? frame.x + frame.width : PHONE.width) + 1);
  expect(box.top, where).toBeGreaterThanOrEqual(0);
  expect(box.bottom, where).toBeLessThanOrEqual(PHONE.height + 1);
}

/**
 * Recharts keeps a tooltip's left edge inside the plot, and its default lines never wrap: at 390 px
 * the Agent load tooltip ran 250 px off the screen ("8 other agents, average : 7.5 co…"), those of
 * Statistics and of the time in status too, and the Sankey's began at the right edge of its
 * scrolling frame. Every chart's tooltip, pointed at across its plot, stays on the screen.
 */
describe('charts on a 390 px screen', () => {
  const live = serverAndBrowser(postStream);

  it.each([
    ['/', 1],
    ['/transitions', 2],
    ['/statistics', 2],
    ['/agents', 1],
    ['/ingest', 1],
  ])("%s: each of its %i charts' tooltips is inside the screen, wherever pointed at", async (path, charts) => {
    const page = await live.browser.newPage({ viewport: PHONE });
    // No sliding between places: the box read is where the tooltip stays.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${live.server.url}${path}?${RANGE}`);
    await page.locator('.chart .recharts-cartesian-grid').first().waitFor();
    const wrappers = page.locator('.chart .recharts-wrapper');
    expect(await wrappers.count()).toBe(charts);
    for (let i = 0; i < charts; i++) {
      const chart = wrappers.nth(i);
      await chart.evaluate((element) => element.scrollIntoView({ block: 'center' }));
      const plot = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
      let shown = 0;
      // Across the plot, edges included: the Statistics trend shows a tooltip only on days with a median.
      for (let step = 0; step <= 12; step++) {
        const fx = 0.02 + (0.96 * step) / 12;
        for (const fy of [0.2, 0.8]) {
          await page.mouse.move(0, 0);
          const box = await tooltipAt(page, chart, plot.x + plot.width * fx, plot.y + plot.height * fy);
          if (!box) continue;
          shown++;
          expectInside(box);
        }
      }
      expect(shown, `chart ${i} of ${path} showed no tooltip`).toBeGreaterThan(2);
    }
    if (path === '/agents') {
      const chart = wrappers.first();
      const plot = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
      await tooltipAt(page, chart, plot.x + plot.width * 0.5, plot.y + plot.height * 0.5);
      await page.screenshot({ path: screenshotPath('agents-tooltip-390') });
    }
    await page.close();
  });

  it("/assignments: the Sankey's tooltip is inside its frame as it scrolls sideways", async () => {
    const page = await live.browser.newPage({ viewport: PHONE });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${live.server.url}/assignments?${RANGE}`);
    const frame = page.getByRole('img', { name: 'Conversations created in the range by channel, group and agent' });
    await frame.locator('.flow-node').first().waitFor();
    await frame.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    const chart = frame.locator('.recharts-wrapper');
    for (const scrolled of ['start', 'end']) {
      await frame.evaluate((element, to) => element.scrollTo({ left: to === 'end' ? element.scrollWidth : 0 }), scrolled);
      expect(await frame.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
      const view = (await frame.boundingBox())!;
      let shown = 0;
      for (const fx of [0.1, 0.3, 0.5, 0.7, 0.9]) {
        for (const fy of [0.2, 0.4, 0.6, 0.8]) {
          await page.mouse.move(0, 0);
          const box = await tooltipAt(page, chart, view.x + view.width * fx, view.y + view.height * fy);
          if (!box) continue;
          shown++;
          expectInside(box, view);
        }
      }
      expect(shown, `no tooltip with the frame scrolled to its ${scrolled}`).toBeGreaterThan(2);
    }
    await page.close();
  });
});
