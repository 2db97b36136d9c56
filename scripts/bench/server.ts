/**
 * The server under test: the production build (`next start`) on a free local port, with a fresh
 * temporary SQLite database, an ingest token, and the baseline route switched on.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { newestSourceMtime } from '../build-state';
import { freePort, stopProcess, waitForHealth } from '../server-process';

export const ROOT = path.resolve(__dirname, '..', '..');
const NEXT_BIN = path.join(ROOT, 'node_modules', '.bin', 'next');
const BUILD_ID = path.join(ROOT, '.next', 'BUILD_ID');
const BUILD_LOCK = path.join(ROOT, '.next', 'lock');

export type BuildInfo = {
  buildId: string;
  /** Whether this run built the app. */
  built: boolean;
  /** Whether a source file is newer than the build that is measured. */
  stale: boolean;
};

/**
 * Builds the app when there is no production build (or when `force`), like `npm run build`.
 * Other people build in this checkout too: while another `next build` holds `.next/lock`, it
 * waits for that build rather than starting a second one.
 */
export async function ensureBuild(options: { force?: boolean; log: (line: string) => void }): Promise<BuildInfo> {
  let built = false;
  if (!options.force && !fs.existsSync(BUILD_ID) && fs.existsSync(BUILD_LOCK)) {
    options.log('no production build, but another next build is running (.next/lock): waiting for it (up to 5 minutes)…');
    const deadline = Date.now() + 5 * 60_000;
    while (Date.now() < deadline && !fs.existsSync(BUILD_ID) && fs.existsSync(BUILD_LOCK)) await sleep(1_000);
  }
  if (options.force || !fs.existsSync(BUILD_ID)) {
    options.log(options.force ? 'building the app (--build)…' : 'no production build (.next/BUILD_ID missing): running next build…');
    const code = await runBuild();
    // Another build may have finished meanwhile (ours then fails on the lock): use it.
    if (code !== 0 && !fs.existsSync(BUILD_ID)) throw new Error(`next build failed (exit code ${code}); its output is above`);
    built = code === 0;
  }
  const buildTime = fs.statSync(BUILD_ID).mtimeMs;
  return { buildId: fs.readFileSync(BUILD_ID, 'utf8').trim(), built, stale: newestSourceMtime() > buildTime };
}

/** The id of the build in .next now (it changes when someone rebuilds during the run), or null. */
export function currentBuildId(): string | null {
  try {
    return fs.readFileSync(BUILD_ID, 'utf8').trim();
  } catch {
    return null;
  }
}

function runBuild(): Promise<number | null> {
  return new Promise<number | null>((resolve, reject) => {
    const child = spawn(NEXT_BIN, ['build'], {
      cwd: ROOT,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      // The build's output goes to stderr so that stdout stays the report.
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type BenchServer = {
  url: string;
  /** The bearer token POST /api/events requires. */
  token: string;
  databasePath: string;
  pid: number;
  /** performance.now() when the server process was spawned (after any database copy). */
  spawnedAt: number;
  /** What the server printed so far (the tail of it). */
  output: () => string;
  /** CPU time (user + system) the server process has used so far, in ms; null where /proc is missing. */
  cpuMs: () => number | null;
  /** Size of the database (main file and WAL), in bytes. */
  databaseBytes: () => number;
  stop: () => Promise<void>;
};

export type StartOptions = {
  /** Extra environment for the server (added to the bench's defaults). */
  env?: Record<string, string | undefined>;
  /**
   * Node flags for the server process (e.g. --cpu-prof, which NODE_OPTIONS does not allow): the
   * server is then started as `node <flags> node_modules/next/dist/bin/next start …`.
   */
  nodeArgs?: string[];
  /** Keep the temporary database directory after stop (it is removed otherwise). */
  keepDatabase?: boolean;
  /** A database file to start from (copied into the temporary directory first; the original stays untouched). */
  seedDatabase?: string;
  log?: (line: string) => void;
};

const OUTPUT_LIMIT = 200_000;

export async function startBenchServer(options: StartOptions = {}): Promise<BenchServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-bench-'));
  const databasePath = path.join(dir, 'bench.db');
  if (options.seedDatabase) {
    fs.copyFileSync(options.seedDatabase, databasePath);
    // Written out before the server starts: otherwise its first reads compete with the write-back
    // of the copy (25 GB at 1M), which no real start has to do (start-up measured 2.4–9.8 s so).
    const fd = fs.openSync(databasePath, 'r+');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  const token = randomBytes(16).toString('hex'); // 32 characters
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: `file:${databasePath}`,
    INGEST_TOKEN: token,
    BENCH_BASELINE: '1',
    PORT: String(port),
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

  const nextArgs = ['start', '--port', String(port), '--hostname', '127.0.0.1'];
  const [command, args] = options.nodeArgs?.length
    ? [process.execPath, [...options.nodeArgs, fs.realpathSync(NEXT_BIN), ...nextArgs]]
    : [NEXT_BIN, nextArgs];
  const spawnedAt = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT / 2);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => {});

  const removeDir = () => {
    if (!options.keepDatabase) fs.rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitForHealth(url, child, () => output), spawnError]);
  } catch (error) {
    await stopProcess(child);
    removeDir();
    throw error;
  }
  options.log?.(`server ${url} (pid ${child.pid}), database ${databasePath}`);

  let stopped: Promise<void> | undefined;
  return {
    url,
    token,
    databasePath,
    pid: child.pid!,
    spawnedAt,
    output: () => output,
    cpuMs: () => processCpuMs(child.pid!),
    databaseBytes: () =>
      ['', '-wal'].reduce((sum, suffix) => sum + (fs.statSync(databasePath + suffix, { throwIfNoEntry: false })?.size ?? 0), 0),
    stop: () => {
      // 15 s: a server writing a --cpu-prof profile needs a moment.
      stopped ??= stopProcess(child, 15_000).finally(removeDir);
      return stopped;
    },
  };
}

/** USER_HZ, the unit of the /proc times: 100 on every Linux platform Node supports. */
const USER_HZ = 100;

/** utime + stime of a process from /proc/<pid>/stat, in ms. */
function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: the fields we want follow its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) * 1000) / USER_HZ;
  } catch {
    return null;
  }
}
