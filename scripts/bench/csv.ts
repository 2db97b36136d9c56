/**
 * CSV export benchmark (`npm run bench -- --only csv`): the conversations report of a large
 * database, downloaded over HTTP from the production server.
 *
 * 1. The database: BENCH_CSV_ROWS conversations (default 1,000,000; `--quick` 100,000), a
 *    generated base through the ingest path and copies of its rows (scripts/bench/csv-data.ts).
 * 2. A warm-up download of a small range (loads the route), then rounds downloading every row
 *    (`GET /api/reports/conversations.csv` over the whole range). The client reads the body as
 *    fast as it arrives and counts the lines; the server's resident memory (VmRSS in
 *    /proc/<pid>/status) is sampled every 20 ms during the download.
 *
 * A last round asks for no compression (Next.js gzips for clients that accept it, as browsers do).
 *
 * Figures: `csv.rows_per_s` (rows ÷ seconds from request to last byte, median of the rounds),
 * `csv.peak_rss_growth_mb` (highest VmRSS during a round minus VmRSS just before it, the worst
 * round), `csv.first_byte_ms` (request to first body byte, median).
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { fillReportDatabase } from './csv-data';
import type { Figure, Suite, SuiteContext, SuiteResult, Target } from './types';

export const CSV_TARGETS = {
  'csv.rows_per_s': { op: '>=', value: 100_000 },
  'csv.peak_rss_growth_mb': { op: '<=', value: 150 },
} satisfies Record<string, Target>;

const RANGE = { from: '2026-09-01', to: '2026-10-31' } as const;

export const csvSuite: Suite = {
  name: 'csv',
  description: 'GET /api/reports/conversations.csv of a large database: rows/s and server memory growth',
  run: runCsv,
};

type Round = { round: number; rows: number; bytes: number; seconds: number; rowsPerSecond: number; firstByteMs: number; rssBeforeMb: number; rssPeakMb: number; rssGrowthMb: number; serverCpuMs: number | null };

async function runCsv(context: SuiteContext): Promise<SuiteResult> {
  const { log } = context;
  const problems: string[] = [];
  const rows = Number(process.env.BENCH_CSV_ROWS ?? (context.quick ? 100_000 : 1_000_000));
  if (!Number.isInteger(rows) || rows < 1_000) throw new Error(`BENCH_CSV_ROWS must be a whole number ≥ 1000, got ${process.env.BENCH_CSV_ROWS}`);
  const rounds = context.quick ? 1 : 2;

  const server = await context.startServer({ log });
  log(`filling the database with about ${rows.toLocaleString('en')} conversations…`);
  const fill = fillReportDatabase(server.databasePath, rows, { log });
  const expected = countInRange(server.databasePath);
  log(`${expected.toLocaleString('en')} conversations in ${RANGE.from} … ${RANGE.to}; database ${(server.databaseBytes() / 2 ** 20).toFixed(0)} MB`);

  // The fill blocked this process's event loop: let it notice that the server closed the idle
  // keep-alive connection of the health check, or the next fetch would try to reuse it.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const warm = await download(`${server.url}/api/reports/conversations.csv?from=2026-10-01&to=2026-10-02`, server.pid);
  log(`warm-up: ${warm.rows} rows`);

  const results: Round[] = [];
  for (let round = 1; round <= rounds; round++) {
    const cpuBefore = server.cpuMs();
    const result = await download(`${server.url}/api/reports/conversations.csv?from=${RANGE.from}&to=${RANGE.to}`, server.pid);
    const cpuAfter = server.cpuMs();
    const summary: Round = { round, ...result, serverCpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null };
    results.push(summary);
    log(
      `round ${round}: ${result.rows.toLocaleString('en')} rows, ${(result.bytes / 2 ** 20).toFixed(0)} MB in ${result.seconds.toFixed(2)} s = ` +
        `${Math.round(result.rowsPerSecond).toLocaleString('en')} rows/s; first byte after ${result.firstByteMs.toFixed(0)} ms; ` +
        `server RSS ${result.rssBeforeMb.toFixed(0)} → peak ${result.rssPeakMb.toFixed(0)} MB (+${result.rssGrowthMb.toFixed(0)})`,
    );
    if (result.status !== 200) problems.push(`round ${round}: status ${result.status}`);
    if (result.rows !== expected) problems.push(`round ${round}: ${result.rows} rows downloaded, ${expected} in the database`);
  }

  // One more round without compression: Next.js gzips responses for clients that accept it (as
  // browsers and fetch do), which costs the server CPU; this round shows how much.
  const cpuBeforeIdentity = server.cpuMs();
  const identity = await download(`${server.url}/api/reports/conversations.csv?from=${RANGE.from}&to=${RANGE.to}`, server.pid, { 'accept-encoding': 'identity' });
  const cpuAfterIdentity = server.cpuMs();
  log(`uncompressed: ${Math.round(identity.rowsPerSecond).toLocaleString('en')} rows/s, server RSS +${identity.rssGrowthMb.toFixed(0)} MB`);
  if (identity.rows !== expected) problems.push(`uncompressed round: ${identity.rows} rows downloaded, ${expected} in the database`);

  const figures: Figure[] = [
    { key: 'csv.rows_per_s', value: median(results.map((r) => r.rowsPerSecond)), unit: 'rows/s', digits: 0, target: CSV_TARGETS['csv.rows_per_s'], note: `${expected.toLocaleString('en')} rows, median of ${rounds}` },
    { key: 'csv.peak_rss_growth_mb', value: Math.max(...results.map((r) => r.rssGrowthMb)), unit: 'MB', digits: 0, target: CSV_TARGETS['csv.peak_rss_growth_mb'], note: 'server VmRSS, worst round' },
    { key: 'csv.first_byte_ms', value: median(results.map((r) => r.firstByteMs)), unit: 'ms', digits: 0 },
    { key: 'csv.bytes_per_row', value: median(results.map((r) => r.bytes / r.rows)), unit: 'bytes', digits: 0 },
  ];
  const cpu = results.map((r) => r.serverCpuMs).filter((v): v is number => v !== null);
  if (cpu.length > 0) figures.push({ key: 'csv.server_cpu_us_per_row', value: (1000 * median(cpu)) / expected, unit: 'µs', digits: 2, note: 'gzip, as browsers ask' });
  figures.push({ key: 'csv.uncompressed_rows_per_s', value: identity.rowsPerSecond, unit: 'rows/s', digits: 0, note: 'Accept-Encoding: identity' });
  if (cpuBeforeIdentity !== null && cpuAfterIdentity !== null) {
    figures.push({ key: 'csv.uncompressed_server_cpu_us_per_row', value: (1000 * (cpuAfterIdentity - cpuBeforeIdentity)) / expected, unit: 'µs', digits: 2 });
  }
  return {
    figures,
    problems,
    details: { rows: expected, fill, rounds: results, uncompressed: identity },
    notes: [
      `csv: ${fill.generated.toLocaleString('en')} generated conversations (${fill.events.toLocaleString('en')} events, ${fill.generateSeconds.toFixed(0)} s) copied to ${fill.conversations.toLocaleString('en')} rows (${fill.copySeconds.toFixed(0)} s)`,
    ],
  };
}

function countInRange(databasePath: string): number {
  const db = new Database(databasePath, { readonly: true });
  try {
    const start = Date.parse(`${RANGE.from}T00:00:00Z`);
    const end = Date.parse(`${RANGE.to}T00:00:00Z`) + 86_400_000;
    return (db.prepare('select count(*) as n from conversations where created_at >= ? and created_at < ?').get(start, end) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Downloads `url`, counting rows (line ends: generated names hold no line breaks) and sampling the server's memory. */
async function download(url: string, pid: number, headers: Record<string, string> = {}) {
  const rssBeforeMb = rssMb(pid);
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(pid))), 20);
  const started = performance.now();
  let firstByteMs = NaN;
  let bytes = 0;
  let lines = 0;
  try {
    const response = await fetch(url, { headers });
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (bytes === 0) firstByteMs = performance.now() - started;
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    rssPeakMb = Math.max(rssPeakMb, rssMb(pid));
    const rows = lines - 1; // the header
    return { status: response.status, rows, bytes, seconds, rowsPerSecond: rows / seconds, firstByteMs, rssBeforeMb, rssPeakMb, rssGrowthMb: rssPeakMb - rssBeforeMb };
  } finally {
    clearInterval(sampler);
  }
}

/** Resident memory of a process, in MB (VmRSS in /proc/<pid>/status); NaN without /proc. */
function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor((sorted.length - 1) / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle]! + sorted[middle + 1]!) / 2;
}

