import fs from 'node:fs';
import Database from 'better-sqlite3';
import http from 'node:http';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { REPORT_NAMES } from '@/lib/reports/names';
import { CSV_THREADS, THREADS_PER_DOWNLOAD } from '@/lib/reports/csv-thread';
import { copyConversations } from '../../scripts/bench/csv-data';
import { rowCount } from '../helpers/db';
import { streamLines } from '../helpers/fixtures';
import { postEvents, startServer, tempDatabasePath, type TestServer } from '../helpers/server';
import { markerLines, waitUntil } from '../helpers/wait';
import { readReport } from './read-report';

// The built server over HTTP, on the fixture stream plus 400 copies of its conversations (about
// 24,000 rows, 7 MB of CSV): large enough that a download is still being written while other
// requests arrive.
const OCTOBER = 'from=2026-10-01&to=2026-10-31';
const COPIES = 400;
let server: TestServer;
let databasePath: string;

beforeAll(async () => {
  databasePath = tempDatabasePath('reports-http');
  const db = openDatabase(databasePath);
  ingestEnvelopes(db, streamLines().map((line) => JSON.parse(line)));
  copyConversations(db, COPIES);
  db.$client.close();
  // Fault injection: tests below hold a figure thread or a download's thread.
  server = await startServer({ databasePath, env: { DASHBOARD_FAULT_INJECTION: '1' } });
  // The ingest log opens a connection of its own, for good, at its first flush (up to 5 s after
  // the first POST /api/events): opened now, it is among the idle connections of every test that
  // counts them, rather than appearing in the middle of one. A rejected request is enough.
  expect((await postEvents(server, 'not json')).status).toBe(400);
  await waitUntil(() => rowCount(databasePath, 'ingest_minutes') > 0, "the ingest log's first flush");
});
afterAll(async () => {
  await server?.stop();
});

/**
 * Open file descriptors (of any process: the server) on the database's WAL file: one per open
 * connection. (Not the main file: SQLite keeps a closed connection's descriptor on it for reuse
 * while another connection of the process holds a lock, because closing it would drop that lock.)
 */
function connectionsOpen(): number {
  let n = 0;
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === `${databasePath}-wal`) n += 1;
      } catch {
        // closed meanwhile
      }
    }
  }
  return n;
}

/**
 * Waits (bounded: 30 s) until `check` holds: the server closes a connection when it notices the
 * client left, which a machine busy with other work can take seconds to do. Returns as soon as it holds.
 */
async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return check();
}

/**
 * fetch on a connection of its own. The in-process comparisons keep this process busy for seconds,
 * in which the server closes an idle keep-alive connection unnoticed; a later fetch could pick that
 * dead connection and fail with "other side closed".
 */
const get = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), connection: 'close' } });

/**
 * A GET through node:http, which says whether the whole HTTP message arrived (`complete`): fetch
 * reads a response that the server cut off before its last chunk as if it had ended.
 */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { ...headers, connection: 'close' } }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('close', () => resolve({ status: response.statusCode!, bytes, complete: response.complete }));
      })
      .on('error', reject);
  });
}

const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());
const csvRows = (body: Buffer) => parse(body, { columns: true, bom: true }) as Record<string, string>[];

describe('GET /api/reports/<name>.csv over HTTP', () => {
  it('downloads each report with its headers, a BOM, CRLF lines, and the same rows as produced in process', async () => {
    // All downloads first, then the comparisons (which take a while on a busy machine).
    const downloads = [];
    for (const name of REPORT_NAMES) {
      const response = await get(`${server.url}/api/reports/${name}.csv?${OCTOBER}&tz=UTC`);
      downloads.push({ name, response, body: await bytes(response) });
    }
    for (const { name, response, body } of downloads) {
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${name}_2026-10-01_2026-10-31.csv"`);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(body.toString('utf8')).toContain('\r\n');
      expect(body.toString('utf8').replace(/"[^"]*"/g, '')).not.toMatch(/[^\r]\n/); // every line break outside quotes is CRLF
      const expected = await readReport(databasePath, name, OCTOBER);
      expect(body.toString('utf8'), name).toBe(expected.text);
    }
    const conversations = csvRows(downloads.find((download) => download.name === 'conversations')!.body);
    expect(conversations).toHaveLength(58 * (COPIES + 1));
  });

  it('names the file after the range in the filters', async () => {
    const response = await get(`${server.url}/api/reports/transitions.csv?from=2026-10-05&to=2026-10-06&tz=Europe/Berlin&source=WHATSAPP`);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="transitions_2026-10-05_2026-10-06.csv"');
    await response.arrayBuffer();
  });

  it('answers invalid filters with 400 and the reasons as JSON, and no CSV', async () => {
    const response = await get(`${server.url}/api/reports/conversations.csv?from=2026-13-01&status=open`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('content-disposition')).toBeNull();
    const body = await response.json();
    expect(body.error).toContain('from (2026-13-01) is not a calendar date');
    expect(body.error).toContain('status (open) expected one of new, assigned, resolved');
    expect(body.errors.map((issue: { param: string }) => issue.param).sort()).toEqual(['from', 'status']);
  });

  it('answers an unknown report with 404 and the list of reports', async () => {
    for (const path of ['/api/reports/nope.csv', '/api/reports/conversations', '/api/reports/conversations.json']) {
      const response = await get(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      const body = await response.json();
      expect(body.reports).toEqual(REPORT_NAMES.map((name) => `/api/reports/${name}.csv`));
    }
  });

  it('keeps serving pages, live figures and ingest while a download is in progress, and the download reads one snapshot', async () => {
    const before = rowCount(databasePath, 'conversations');
    const download = await get(`${server.url}/api/reports/conversations.csv?from=2026-10-01&to=2026-11-30`);
    const reader = download.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(Buffer.from(first.value!).toString('utf8')).toContain('conversation_id,status');

    // The page and the live figures use the shared connection: not blocked by the export's cursor.
    const page = await get(`${server.url}/?from=2026-10-01&to=2026-10-31`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Overview');
    const live = await get(`${server.url}/api/live`);
    expect(live.status).toBe(200);
    // A new conversation, created in the range, arrives meanwhile.
    const created = JSON.parse(streamLines().find((line) => line.includes('"onConversationCreate"'))!);
    created.data.conversation.conversation_id = 'arrived-during-export';
    created.data.conversation.messages = [];
    expect((await postEvents(server, JSON.stringify(created))).json.accepted).toBe(1);

    const chunks = [Buffer.from(first.value!)];
    for (let step = await reader.read(); !step.done; step = await reader.read()) chunks.push(Buffer.from(step.value));
    const rows = csvRows(Buffer.concat(chunks));
    // Everything created in October and November at the start of the download, and not the newcomer.
    expect(rows).toHaveLength(before);
    expect(rows.some((row) => row.conversation_id === 'arrived-during-export')).toBe(false);
    const after = csvRows(await bytes(await get(`${server.url}/api/reports/conversations.csv?from=2026-10-01&to=2026-11-30`)));
    expect(after).toHaveLength(before + 1);
  });

  it('answers other requests during an uncompressed download read as fast as it comes (curl without --compressed)', async () => {
    // Writing rows on the main thread kept it busy from the first byte to the last when nothing
    // made it wait (no gzip, a quick reader): every other request waited for the whole download
    // (10–11 s at a million rows). The rows are written on the download's own thread now. That
    // thread is held on its second chunk (test-only `<database>.hold-csv`, as a long export keeps it
    // writing) until health has answered, so the order below does not depend on how fast either is.
    const hold = `${databasePath}.hold-csv`;
    fs.writeFileSync(hold, '');
    try {
      const order: string[] = [];
      const downloaded = new Promise<void>((resolve, reject) => {
        http
          .get(`${server.url}/api/reports/conversations.csv?from=2026-10-01&to=2026-11-30`, { headers: { 'accept-encoding': 'identity', connection: 'close' } }, (response) => {
            let asked = false;
            response.on('data', () => {
              if (asked) return;
              asked = true;
              void get(`${server.url}/api/health`)
                .then(
                  (health) => order.push(`health ${health.status}`),
                  (error: Error) => order.push(`health failed: ${error.message}`),
                )
                .finally(() => fs.rmSync(hold, { force: true }));
            });
            response.on('end', () => {
              order.push('download complete');
              resolve();
            });
            response.on('error', reject);
          })
          .on('error', reject);
      });
      await eventually(() => order.length === 2);
      expect(order).toEqual(['health 200', 'download complete']);
      await downloaded;
    } finally {
      fs.rmSync(hold, { force: true });
    }
  });

  it('computes agents.csv off the main thread: health, pages and ingest answer while a report takes seconds', async () => {
    // The figure thread computing it is held busy (test-only `slow-teamReport` = `hold`, as a year
    // of a million conversations keeps it) until the other requests have been answered, and says
    // when the request has reached it (`figures-started`).
    const slow = `${databasePath}.slow-teamReport`;
    const started = `${databasePath}.figures-started`;
    fs.writeFileSync(slow, 'hold');
    fs.writeFileSync(started, '');
    try {
      let reportDone = false;
      const report = get(`${server.url}/api/reports/agents.csv?${OCTOBER}`).then(async (response) => {
        const body = await bytes(response);
        reportDone = true;
        return { status: response.status, body };
      });
      await waitUntil(() => markerLines(started).includes('teamReport'), 'agents.csv to reach a figure thread');
      // Bounded: a request queued behind the held report fails the test instead of hanging it.
      const meanwhile = () => ({ signal: AbortSignal.timeout(20_000) });
      const health = await get(`${server.url}/api/health`, meanwhile());
      expect(health.status).toBe(200);
      expect((await get(`${server.url}/?${OCTOBER}`, meanwhile())).status).toBe(200);
      const created = JSON.parse(streamLines().find((line) => line.includes('"onConversationCreate"'))!);
      created.data.conversation.conversation_id = 'arrived-during-team-report';
      expect((await postEvents(server, JSON.stringify(created))).json.accepted).toBe(1);
      // All answered while the report was still being computed: not queued behind it.
      expect(reportDone).toBe(false);
      fs.rmSync(slow);
      const { status, body } = await report;
      expect(status).toBe(200);
      expect(body.toString('utf8')).toBe((await readReport(databasePath, 'agents', OCTOBER)).text);
    } finally {
      fs.rmSync(slow, { force: true });
      fs.rmSync(started, { force: true });
    }
  });

  it('survives clients that go away mid-download, and closes their connections', async () => {
    const idle = connectionsOpen();
    expect(idle).toBeGreaterThanOrEqual(1); // the shared connection
    for (let i = 0; i < 3; i++) {
      const abort = new AbortController();
      const response = await get(`${server.url}/api/reports/conversations.csv?${OCTOBER}`, { signal: abort.signal });
      const reader = response.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      expect(connectionsOpen()).toBe(idle + THREADS_PER_DOWNLOAD); // the export's own read-only connections, one a thread
      abort.abort();
      await expect(reader.read()).rejects.toThrow();
      expect(await eventually(() => connectionsOpen() === idle)).toBe(true);
    }
    // The next requests work: pages, health, and a whole export.
    expect((await get(`${server.url}/?${OCTOBER}`)).status).toBe(200);
    const health = await (await get(`${server.url}/api/health`)).json();
    expect(health.status).toBe('ok');
    const rows = csvRows(await bytes(await get(`${server.url}/api/reports/conversations.csv?${OCTOBER}`)));
    expect(rows).toEqual((await readReport(databasePath, 'conversations', OCTOBER)).rows);
    expect(rows.length).toBeGreaterThan(58 * (COPIES + 1) - 1);
    expect(server.output()).not.toMatch(/connection is busy|unhandled|uncaught/i);
  });

  it('writes at most two downloads at once; a third waits for a thread, then arrives whole', async () => {
    const idle = connectionsOpen();
    // Each download's thread is held on its second chunk (test-only `hold-csv`) until the test lets
    // go, and a download that waits for a thread says so (`csv-waiting`): what is checked below does
    // not depend on how long a download takes.
    const hold = `${databasePath}.hold-csv`;
    const waiting = `${databasePath}.csv-waiting`;
    fs.writeFileSync(hold, '');
    fs.writeFileSync(waiting, '');
    try {
      let most = 0;
      let sampling = true;
      const sampler = (async () => {
        // Besides the checks below: never more than two downloads' connections whenever looked.
        while (sampling) {
          most = Math.max(most, connectionsOpen() - idle);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      let withHeaders = 0;
      const downloads = [0, 1, 2].map(async () => {
        const response = await get(`${server.url}/api/reports/conversations.csv?${OCTOBER}`);
        withHeaders += 1;
        return { status: response.status, rows: csvRows(await bytes(response)) };
      });
      // Two downloads under way, each held on its thread with its connection open, and the third
      // waiting for a thread: neither of the two can end while held, so the third has no headers
      // and no connection of its own.
      await waitUntil(() => (withHeaders === 2 && markerLines(waiting).length === 1) || withHeaders === 3, 'two downloads started and a third waiting');
      expect(withHeaders).toBe(2);
      expect(markerLines(waiting)).toEqual(['waiting']);
      expect(connectionsOpen() - idle).toBe(CSV_THREADS * THREADS_PER_DOWNLOAD);
      fs.rmSync(hold);
      const done = await Promise.all(downloads);
      sampling = false;
      await sampler;
      const expected = (await readReport(databasePath, 'conversations', OCTOBER)).rows;
      for (const download of done) {
        expect(download.status).toBe(200);
        expect(download.rows).toEqual(expected);
      }
      // The third waited once, and only the third.
      expect(markerLines(waiting)).toEqual(['waiting']);
      // Each download's first thread also opens a connection for a moment, to pause commits while its threads take their snapshot.
      expect(most).toBeLessThanOrEqual(CSV_THREADS * (THREADS_PER_DOWNLOAD + 1));
      expect(await eventually(() => connectionsOpen() === idle)).toBe(true);
    } finally {
      fs.rmSync(hold, { force: true });
      fs.rmSync(waiting, { force: true });
    }
  });

  it('downloads whole and in order while a write holds the database longer than the threads wait to start together', async () => {
    // The threads begin their snapshot while commits are paused; when a write (an import's big
    // transaction, here this test's) keeps the lock past that wait, the first thread reads every
    // window alone instead of making the download wait or fail.
    const writer = new Database(databasePath);
    writer.exec('BEGIN IMMEDIATE');
    try {
      const response = await get(`${server.url}/api/reports/conversations.csv?${OCTOBER}`);
      expect(response.status).toBe(200);
      const rows = csvRows(await bytes(response));
      expect(rows).toEqual((await readReport(databasePath, 'conversations', OCTOBER)).rows);
      expect(rows.length).toBeGreaterThan(58 * (COPIES + 1) - 1);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });

  it('ends a download that fails midway as incomplete, never as a shorter whole file, and goes on serving', async () => {
    const idle = connectionsOpen();
    // The download fails when its first thread passes 1,000 rows of its own, as a disk error would.
    fs.writeFileSync(`${databasePath}.fail-csv`, '');
    try {
      for (const encoding of ['gzip', 'identity']) {
      const download = await rawGet(`${server.url}/api/reports/conversations.csv?${OCTOBER}`, { 'accept-encoding': encoding });
      expect(download.status).toBe(200);
      // Rows arrived: the failure came midway, not before the first byte...
      expect(download.bytes).toBeGreaterThan(0);
      // ...and the response ended without its last chunk, which clients report as a failed
      // download (curl: "transfer closed with outstanding read data remaining").
      expect(download.complete).toBe(false);
      expect(await eventually(() => connectionsOpen() === idle)).toBe(true);
    }
    } finally {
      fs.rmSync(`${databasePath}.fail-csv`, { force: true });
    }
    expect((await get(`${server.url}/api/health`)).status).toBe(200);
    const rows = csvRows(await bytes(await get(`${server.url}/api/reports/conversations.csv?${OCTOBER}`)));
    expect(rows).toEqual((await readReport(databasePath, 'conversations', OCTOBER)).rows);
  });
});
