import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort, stopProcess, waitForHealth } from '../../scripts/server-process';
import { tempDir } from './temp';

// Tests take it from here, with the rest of the server helpers.
export { freePort };

export const ROOT = path.resolve(__dirname, '..', '..');
export const TEST_TOKEN = 'test-ingest-token-0123456789';
/** The team password of servers started with `{ password: true }`. */
export const TEST_PASSWORD = 'test-team-password-4567';

export type TestServer = {
  url: string;
  /** The server process (to kill it hard in crash tests). */
  process: ChildProcess;
  databasePath: string;
  /** Output the server printed so far (for assertions on start-up messages). */
  output: () => string;
  stop: () => Promise<void>;
};

export function tempDatabasePath(label = 'db'): string {
  return path.join(tempDir(label), 'dashboard.db');
}

/**
 * Starts the production build (`next start`) on a free port with its own database file, and
 * waits until /api/health answers. `npm test` builds first; run `npm run build` before running
 * vitest alone.
 */
export async function startServer(
  options: {
    env?: Record<string, string | undefined>;
    databasePath?: string;
    requireHealthy?: boolean;
    /** Require sign-in with TEST_PASSWORD (DASHBOARD_PASSWORD); by default access is open, as on a first run. */
    password?: boolean;
    port?: number;
  } = {},
): Promise<TestServer> {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    throw new Error('No production build: run `npm run build` (npm test does it) before the integration tests.');
  }
  const port = options.port ?? (await freePort());
  const databasePath = options.databasePath ?? tempDatabasePath();
  const env: Record<string, string | undefined> = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: `file:${databasePath}`,
    INGEST_TOKEN: TEST_TOKEN,
    PORT: String(port),
    DASHBOARD_PASSWORD: options.password ? TEST_PASSWORD : undefined,
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'next'), ['start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, () => output, { requireHealthy: options.requireHealthy });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { url, process: child, databasePath, output: () => output, stop: () => stopProcess(child) };
}

/** POST to /api/events with the test token (unless `headers` says otherwise). */
export async function postEvents(
  server: Pick<TestServer, 'url'>,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(`${server.url}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}`, ...headers },
    body: body as BodyInit,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = { unparsed: text };
  }
  return { status: response.status, json, headers: response.headers };
}

/**
 * Signs in with the team password as the login form does, and returns the `Cookie` header value
 * to send with later requests (for tests of servers started with `{ password: true }`).
 */
export async function login(server: Pick<TestServer, 'url'>, password = TEST_PASSWORD): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    body: new URLSearchParams({ password, next: '/' }),
    redirect: 'manual',
  });
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 303 || !cookie?.startsWith('dashboard_session=')) {
    throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  }
  return cookie.split(';')[0]!;
}

/** POSTs the fixture stream (250 NDJSON lines, 60 conversations, duplicates and late events) in one request. */
export async function postStream(server: Pick<TestServer, 'url'>): ReturnType<typeof postEvents> {
  // Imported here, not at the top: fixtures.ts needs this module's ROOT while it loads.
  const { streamLines } = await import('./fixtures');
  return postEvents(server, streamLines().join('\n'), { 'content-type': 'application/x-ndjson' });
}

/**
 * A GET with a Host header of the test's choosing, which fetch does not let a caller set: how a
 * page on another name that resolves to this machine (DNS rebinding) reaches the server.
 */
export function getWithHost(server: TestServer, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.url}${path}`, { headers: { host } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}
