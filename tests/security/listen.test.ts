/**
 * `npm start` (scripts/start.ts) listens on loopback only while no sign-in is configured, and says
 * so; with DASHBOARD_PASSWORD it listens on HOST (default 0.0.0.0). Checked by connecting through
 * the machine's own non-loopback address, when it has one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { npmScript } from '../helpers/npm-script';
import { freePort, ROOT, TEST_PASSWORD, tempDatabasePath } from '../helpers/server';

const running: ChildProcess[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
});

/** This machine's first non-internal IPv4 address: reachable from the network, unlike 127.0.0.1. */
const externalAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

async function npmStart(env: Record<string, string>): Promise<{ port: number; output: () => string }> {
  const port = await freePort();
  const start = npmScript('start');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...start.env, DATABASE_URL: `file:${tempDatabasePath('listen')}`, PORT: String(port), DEMO_DATA: '0', ...env };
  for (const key of ['DASHBOARD_PASSWORD', 'AUTH_PROXY_HEADER', 'HOST']) if (!(key in env)) delete childEnv[key];
  const child = spawn(start.command, start.args, { cwd: ROOT, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) return { port, output: () => output };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`npm start did not serve within 120 s:\n${output}`);
}

const connects = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('npm start: where it listens', () => {
  it('open access: 127.0.0.1 only, and says so', async () => {
    const { port, output } = await npmStart({});
    expect(output()).toContain('open access: no sign-in configured, so listening on 127.0.0.1 only');
    expect(await connects('127.0.0.1', port)).toBe(true);
    if (externalAddress) expect(await connects(externalAddress, port)).toBe(false);
  });

  it('with DASHBOARD_PASSWORD: HOST, by default every address', async () => {
    const { port, output } = await npmStart({ DASHBOARD_PASSWORD: TEST_PASSWORD });
    expect(output()).toContain(`listening on 0.0.0.0:${port}; viewing requires the team password (DASHBOARD_PASSWORD)`);
    if (externalAddress) expect(await connects(externalAddress, port)).toBe(true);
  });

  it('refuses to start open on a public address', async () => {
    await expect(npmStart({ HOST: '0.0.0.0' })).rejects.toThrow('HOST: the dashboard has no sign-in configured');
  });
});
