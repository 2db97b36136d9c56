import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser';
import { postStream } from '../helpers/server';

const RANGE = 'from=2026-10-01&to=2026-10-31';

type Stop = { tag: string; type: string | null; role: string; name: string; width: number; height: number; outline: string; inChart: boolean; text: string };

/**
 * Every stop the Tab key makes on the page, from the top until focus leaves the page or comes
 * round again: what a keyboard user goes through. The name and role are the browser's own
 * (Chromium's accessibility tree, as a screen reader gets them), read at each stop.
 */
async function tabStops(page: Page): Promise<Stop[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Accessibility.enable');
  const stops: Stop[] = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
    const box = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      const rect = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return {
        tag: element.tagName.toLowerCase(),
        type: element.getAttribute('type'),
        width: rect.width,
        height: rect.height,
        outline: style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0 ? 'none' : `${style.outlineStyle} ${style.outlineWidth}`,
        inChart: element.closest('.chart') !== null,
        text: (element.textContent ?? '').trim().slice(0, 40),
      };
    });
    if (!box) break;
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
    const node = nodes[0];
    const stop = { ...box, role: String(node?.role?.value ?? ''), name: String(node?.name?.value ?? '').trim() };
    if (stops.length > 0 && JSON.stringify(stop) === JSON.stringify(stops[0])) break;
    stops.push(stop);
  }
  await cdp.detach();
  return stops;
}

/** Each stop has a name a screen reader says, a size and a focus ring a sighted user sees. */
function expectUsable(stops: Stop[]) {
  expect(stops.length).toBeGreaterThan(5);
  for (const stop of stops) {
    expect(stop.name, `a stop without a name: ${JSON.stringify(stop)}`).not.toBe('');
    expect(stop.width * stop.height, `a stop of no size: ${JSON.stringify(stop)}`).toBeGreaterThan(0);
    // A date input rings and highlights the field of it that has focus (day, month, year), not itself.
    if (stop.type !== 'date') expect(stop.outline, `a stop without a focus ring: ${JSON.stringify(stop)}`).not.toBe('none');
  }
}

/**
 * Charts are no Tab stops (each is one image with a label, its figures in the folded table under
 * it): recharts 3's layer groups were focusable in Chromium, 5 to 7 unnamed stops a chart. The
 * Agent load legend's names are buttons, and the Sankey, scrolled sideways below 720 px, is one stop
 * (the browser's, for scrolling it with the arrow keys), named as its image.
 */
describe('the keyboard through the pages with charts', () => {
  const live = serverAndBrowser(postStream);

  it.each([
    ['/', 1280],
    ['/transitions', 1280],
    ['/statistics', 1280],
    ['/ingest', 1280],
    ['/assignments', 1280],
    ['/', 390],
    ['/statistics', 390],
  ])('%s at %i px: no stop in a chart, every stop named, sized and ringed', async (path, width) => {
    const page = await live.browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${live.server.url}${path}?${RANGE}`);
    await page.locator('.chart svg').first().waitFor();
    const stops = await tabStops(page);
    expect(stops.filter((stop) => stop.inChart)).toEqual([]);
    expectUsable(stops);
    // The folded tables under the charts are stops (their summaries), in the charts' place.
    expect(stops.filter((stop) => stop.tag === 'summary').length).toBeGreaterThanOrEqual(path === '/assignments' ? 1 : path === '/statistics' ? 2 : 1);
    await page.close();
  });

  it('the Sankey scrolled sideways at 390 px is one stop, named as its image, and scrolls with the arrow keys', async () => {
    const page = await live.browser.newPage({ viewport: { width: 390, height: 900 } });
    await page.goto(`${live.server.url}/assignments?${RANGE}`);
    await page.locator('.chart svg').first().waitFor();
    const stops = await tabStops(page);
    expect(stops.filter((stop) => stop.inChart)).toEqual([
      expect.objectContaining({ tag: 'div', role: 'image', name: 'Conversations created in the range by channel, group and agent' }),
    ]);
    expectUsable(stops);
    const scroller = page.getByRole('img', { name: 'Conversations created in the range by channel, group and agent' });
    await scroller.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => scroller.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
    await page.close();
  });

  it('agent load: the legend names are the only stops in the chart, buttons that pick out a line with Enter and Space', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${live.server.url}/agents?${RANGE}`);
    await page.locator('.recharts-line-curve').first().waitFor();
    const stops = await tabStops(page);
    expectUsable(stops);
    const legend = page.getByRole('group', { name: "Pick out an agent's line" }).getByRole('button');
    const names = await legend.allTextContents();
    expect(names).toHaveLength(7); // the 6 most loaded agents and the others' line
    expect(names.at(-1)).toMatch(/^\d+ other agents, average$/);
    expect(stops.filter((stop) => stop.inChart)).toEqual(names.map((name) => expect.objectContaining({ tag: 'button', role: 'button', name })));

    // Reached by Tab, as a keyboard user does: the third name.
    await legend.nth(1).focus();
    await page.keyboard.press('Tab');
    const third = legend.nth(2);
    expect(await third.evaluate((button) => button === document.activeElement && button.matches(':focus-visible'))).toBe(true);
    const pressed = () => legend.evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-pressed')));
    const lines = () => page.locator('.recharts-line-curve').evaluateAll((paths) => paths.map((path) => `${path.getAttribute('stroke-opacity')} ${path.getAttribute('stroke-width')}`));
    expect(await pressed()).toEqual(Array(7).fill('false'));
    expect(new Set(await lines())).toEqual(new Set(['1 2']));

    await page.keyboard.press('Enter');
    expect(await pressed()).toEqual(['false', 'false', 'true', 'false', 'false', 'false', 'false']);
    // The picked line drawn thicker, the others faint.
    expect(await lines()).toEqual(['0.15 2', '0.15 2', '1 3', '0.15 2', '0.15 2', '0.15 2', '0.15 2']);
    await page.screenshot({ path: screenshotPath('agents-legend-pressed-1280') });

    await page.keyboard.press('Space');
    expect(await pressed()).toEqual(Array(7).fill('false'));
    expect(new Set(await lines())).toEqual(new Set(['1 2']));

    // Space on the next name picks it; pressing another name moves the pick there.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await pressed()).toEqual(['false', 'false', 'false', 'true', 'false', 'false', 'false']);
    expect((await lines())[3]).toBe('1 3');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    expect(await pressed()).toEqual(['false', 'false', 'true', 'false', 'false', 'false', 'false']);
    expect((await lines())[2]).toBe('1 3');
    await page.close();
  });
});
