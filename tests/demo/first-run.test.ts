import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { rowCount } from '../helpers/db';
import { fixtureText } from '../helpers/fixtures';
import { npmScript } from '../helpers/npm-script';
import { freePort, ROOT, startServer, tempDatabasePath } from '../helpers/server';

type Started = { child: ChildProcess; url: string; output: () => string };
const running: ChildProcess[] = [];

/** `npm start` as a user runs it (scripts/start.ts), on its own port and database, without INGEST_TOKEN. */
async function npmStart(databasePath: string, env: Record<string, string> = {}): Promise<Started> {
  const port = await freePort();
  const start = npmScript('start');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...start.env, DATABASE_URL: `file:${databasePath}`, PORT: String(port), ...env };
  delete childEnv.INGEST_TOKEN;
  if (!('DEMO_DATA' in env)) delete childEnv.DEMO_DATA;
  const child = spawn(start.command, start.args, { cwd: ROOT, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return { child, url, output: () => output };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`npm start did not serve within 120 s:\n${output}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map(stop));
});

const post = (url: string, token: string) =>
  fetch(`${url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: fixtureText('01-onConversationCreate.create.json') });

describe('first run (npm start on an empty database)', () => {
  it('loads demo data, generates and prints an ingest token once, and says it shows demo data', async () => {
    const databasePath = tempDatabasePath('first-run');
    const first = await npmStart(databasePath);
    expect(first.output()).toMatch(/loaded [\d,]+ demo conversations \([\d,]+ events\)/);
    const token = /generated an ingest token[^\n]*\n\[dashboard\]\s+([0-9a-f]{48})/.exec(first.output())?.[1];
    expect(token, first.output()).toBeDefined();
    expect(first.output()).toContain(`curl -X POST http://localhost:`);

    const health = await (await fetch(`${first.url}/api/health`)).json();
    expect(health.conversations).toBeGreaterThan(3000);
    expect(health.events).toBeGreaterThan(15_000);
    const page = await (await fetch(first.url)).text();
    expect(page).toContain('Demo data.');
    expect(page).toContain('npm run demo:clear');

    expect((await post(first.url, token!)).status).toBe(200);
    expect((await post(first.url, 'wrong-token-wrong-token')).status).toBe(401);
    await stop(first.child);

    // Clearing the demo keeps the real event.
    const clear = npmScript('demo:clear');
    const cleared = spawnSync(clear.command, clear.args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: `file:${databasePath}` }, encoding: 'utf8' });
    expect(cleared.status, cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/removed [\d,]+ demo events .*; 1 events remain/);
    expect(rowCount(databasePath, 'events')).toBe(1);
    expect(rowCount(databasePath, 'conversations')).toBe(1);

    // A second start: no new demo, no new token, the stored one still works, no banner.
    const second = await npmStart(databasePath);
    expect(second.output()).not.toContain('loading');
    expect(second.output()).not.toContain('generated an ingest token');
    expect((await post(second.url, token!)).status).toBe(200);
    expect(await (await fetch(second.url)).text()).not.toContain('Demo data.');
    await stop(second.child);

    // The server itself (`next start`, as `npm run dev` would) on that database, without
    // INGEST_TOKEN: the printed token still opens ingest (it answered 503 when only npm start read it).
    const direct = await startServer({ databasePath, env: { INGEST_TOKEN: undefined } });
    try {
      expect((await post(direct.url, token!)).status).toBe(200);
      expect((await post(direct.url, 'wrong-token-wrong-token')).status).toBe(401);
      expect(direct.output()).not.toContain('ingest is disabled');
    } finally {
      await direct.stop();
    }
  });

  it('with DEMO_DATA=0 starts empty, with ingest closed until INGEST_TOKEN is set', async () => {
    const started = await npmStart(tempDatabasePath('no-demo'), { DEMO_DATA: '0' });
    expect(await (await fetch(`${started.url}/api/health`)).json()).toMatchObject({ events: 0, conversations: 0 });
    const response = await post(started.url, 'anything-anything-anything');
    expect(response.status).toBe(503);
    expect((await response.json()).error).toContain('INGEST_TOKEN');
    expect(await (await fetch(started.url)).text()).not.toContain('Demo data.');
  });
});
