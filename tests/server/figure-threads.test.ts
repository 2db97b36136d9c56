import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser';
import { streamLines } from '../helpers/fixtures';
import { postEvents, postStream } from '../helpers/server';
import { markerLines, waitUntil } from '../helpers/wait';

// The built server on the fixture stream, with fault injection: the tests below make a figure
// thread (lib/server/figure-threads.ts) slow, or make it die, through files beside the database.
const OCTOBER = 'from=2026-10-01&to=2026-10-31';

describe('figure threads', () => {
  const live = serverAndBrowser(postStream, { env: { DASHBOARD_FAULT_INJECTION: '1' } });
  const get = (path: string, init?: RequestInit) => fetch(`${live.server.url}${path}`, init);
  /** While the test-only file `<database>.<name>` exists, with `content`. */
  async function withFault<T>(name: string, content: string, run: () => Promise<T>): Promise<T> {
    const file = `${live.server.databasePath}.${name}`;
    fs.writeFileSync(file, content);
    try {
      return await run();
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  it('keep the server answering while one page figure takes seconds: health, live tiles, other pages and ingest come first', async () => {
    // The load chart's figure is held busy (`hold`, as a year of a million conversations keeps it)
    // until the other requests have been answered, and its thread says when the request has
    // reached it (`figures-started`): nothing below depends on how long anything takes.
    const started = `${live.server.databasePath}.figures-started`;
    await withFault('figures-started', '', () => withFault('slow-loadOverTime', 'hold', async () => {
      let agentsDone = false;
      const agents = get(`/agents?${OCTOBER}`).then(async (response) => {
        const html = await response.text();
        agentsDone = true;
        return { status: response.status, html };
      });
      await waitUntil(() => markerLines(started).includes('loadOverTime'), 'the load chart to reach a figure thread');

      // Bounded: a request queued behind the held figure fails the test instead of hanging it.
      const meanwhile = () => ({ signal: AbortSignal.timeout(20_000) });
      expect((await get('/api/health', meanwhile())).status).toBe(200);
      const liveFigures = await get(`/api/live?${OCTOBER}`, meanwhile());
      expect(liveFigures.status).toBe(200);
      expect(Object.keys(await liveFigures.json())).toEqual(expect.arrayContaining(['openNow', 'unassignedNow']));
      const assignments = await get(`/assignments?${OCTOBER}`, meanwhile());
      expect(assignments.status).toBe(200);
      expect(await assignments.text()).toContain('Agent reassignments');
      const created = JSON.parse(streamLines().find((line) => line.includes('"onConversationCreate"'))!);
      created.data.conversation.conversation_id = 'arrived-during-slow-figure';
      expect((await postEvents(live.server, JSON.stringify(created))).json.accepted).toBe(1);
      // All answered while the agents page was still waiting for its figure: not queued behind it.
      expect(agentsDone).toBe(false);
      fs.rmSync(`${live.server.databasePath}.slow-loadOverTime`); // the figure goes on

      const { status, html } = await agents;
      expect(status).toBe(200);
      expect(html).toContain('Open conversations per agent');
      expect(html).toContain('Load over time');
    }));
  });

  it('compute a figure once for requests that ask for it while it is computed (reloads, a second viewer)', async () => {
    const log = `${live.server.databasePath}.figures-computed`;
    const shared = `${live.server.databasePath}.figures-shared`;
    fs.writeFileSync(log, '');
    try {
      // The figure is held (`hold`) until the second and third requests have joined the first's
      // computation (`figures-shared`): nothing depends on how long anything takes.
      await withFault('figures-shared', '', () => withFault('slow-transitions', 'hold', async () => {
        // Three viewers of the same page and filters, and one with another channel.
        const same = `/transitions?${OCTOBER}`;
        const asked = Promise.all([get(same), get(same), get(same), get(`/transitions?${OCTOBER}&channel=other`)]);
        await waitUntil(() => markerLines(shared).length === 2, 'two requests to join the first one\'s computation');
        fs.rmSync(`${live.server.databasePath}.slow-transitions`); // the figures go on
        const pages = await asked;
        const texts = await Promise.all(pages.map((page) => page.text()));
        expect(pages.map((page) => page.status)).toEqual([200, 200, 200, 200]);
        for (const text of texts.slice(0, 3)) expect(text).toContain('From → to');
        expect(markerLines(shared)).toEqual(['transitions', 'transitions']);
      }));
      // Once for the three, once for the other filters.
      expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual(['transitions', 'transitions']);
      // Settled requests are not kept: asked again, it is computed again (with what has arrived since).
      expect((await get(`/transitions?${OCTOBER}`)).status).toBe(200);
      expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(3);
    } finally {
      fs.rmSync(log, { force: true });
    }
  });

  it('send the title and the filters of a long range first, with a note, while the figures are computed', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The figure is held until the note has been checked: the order does not depend on timing.
    await withFault('slow-transitions', 'hold', async () => {
      // Two months: longer than the ranges sent whole (a month at 1M is computed in 0.2 s).
      await page.goto(`${live.server.url}/transitions?from=2026-09-01&to=2026-10-31`, { waitUntil: 'commit' });
      const note = page.locator('.figures-loading');
      await note.waitFor();
      expect(await note.textContent()).toBe('Computing the figures for 2026-09-01 – 2026-10-31…');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Status transitions');
      expect(await page.getByRole('button', { name: 'Apply' }).count()).toBe(1);
      expect(await page.getByText('From → to').count()).toBe(0);
      await page.screenshot({ path: screenshotPath('figures-loading') });
      fs.rmSync(`${live.server.databasePath}.slow-transitions`); // the figure goes on
      await page.getByText('From → to').waitFor({ timeout: 15_000 });
      expect(await note.count()).toBe(0);
    });
    await page.close();
  });

  it('fail only the requests of a thread that dies: the page says so under its filters, Try again recovers, live tiles keep answering', async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await withFault('crash-figure-thread', '', async () => {
      await page.goto(`${live.server.url}/transitions?${OCTOBER}`);
      const alert = page.locator('.error[role="alert"]');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/^The figures of this page could not be computed \(reference [0-9a-f]{8} in the server log\)\.Try again$/);
      const reference = (await alert.textContent())!.match(/reference ([0-9a-f]{8})/)![1]!;
      expect(live.server.output()).toContain(`the figures of /transitions?${OCTOBER}&tz=UTC could not be computed (reference ${reference}): Error: a figure thread failed`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Status transitions');
      expect(await page.getByRole('button', { name: 'Apply' }).count()).toBe(1);
      await page.screenshot({ path: screenshotPath('figures-error') });
      // A second request starts another thread, which dies too; what does not read the range stays on the main thread.
      expect(await (await get(`/statistics?${OCTOBER}`)).text()).not.toContain('All statistics');
      expect((await get(`/api/live?${OCTOBER}`)).status).toBe(200);
    });
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.getByText('From → to').waitFor({ timeout: 15_000 });
    expect(await page.locator('.error[role="alert"]').count()).toBe(0);
    expect((await get('/api/health')).status).toBe(200);
    await page.close();
  });
});
