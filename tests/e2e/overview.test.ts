import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { streamLines } from '../helpers/fixtures';
import { postEvents, startServer, type TestServer } from '../helpers/server';

describe('overview page in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows what is stored, before and after events arrive', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await expect(page.getByText('Events stored').locator('..').textContent()).resolves.toContain('0');
    await expect(page.getByText('Last event received').locator('..').textContent()).resolves.toContain('none yet');

    await postEvents(server, streamLines().join('\n'), { 'content-type': 'application/x-ndjson' });
    await page.reload();
    expect(await page.getByText('Events stored').locator('..').textContent()).toContain('239');
    expect(await page.getByText('Conversations', { exact: true }).locator('..').textContent()).toContain('60');
    await page.screenshot({ path: screenshotPath('overview-1280'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 800 });
    await page.screenshot({ path: screenshotPath('overview-390'), fullPage: true });
  });
});
