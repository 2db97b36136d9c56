/**
 * `npm run import -- FILE --url URL`: the CLI (a child process) sends the file to the real
 * dashboard (the production build, started by startServer with its own database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowCount } from '../helpers/db';
import { freePort, startServer, TEST_TOKEN, type TestServer } from '../helpers/server';
import { runImport, streamAsArray, streamWithProblems, summaryCounts, importDir, writeFile } from './files';

const dir = importDir('http');
const problems = streamWithProblems();
const ndjsonFile = writeFile(dir, 'stream.ndjson', problems.text);
const arrayGzipFile = writeFile(dir, 'stream.json.gz', streamAsArray().text, { gzip: true });

describe('npm run import --url (the real server)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('the file flows into the server database with the same counts as a local import', async () => {
    const run = await runImport([ndjsonFile, '--url', server.url, '--token', TEST_TOKEN]);
    expect(run.code, run.stderr).toBe(2);
    expect(summaryCounts(run.stdout)).toEqual({ accepted: 239, duplicates: 11, rejected: 1, malformed: 3 });
    expect(run.stdout).toContain(`into ${server.url}/api/events`);
    expect(run.stdout).toContain(`  line ${problems.rejectedLine}: rejected: data.conversation.status: expected string, got number\n`);
    for (const line of problems.malformedLines) expect(run.stdout).toContain(`  line ${line}: malformed JSON: `);
    expect(rowCount(server.databasePath, 'events')).toBe(239);
    expect(rowCount(server.databasePath, 'conversations')).toBe(60);
  });

  it('again, one event a request: all duplicates; the request of the invalid envelope (400) is recorded and the import goes on', async () => {
    const run = await runImport([ndjsonFile, '--url', server.url, '--token', TEST_TOKEN, '--batch', '1']);
    expect(run.code, run.stderr).toBe(2);
    expect(summaryCounts(run.stdout)).toEqual({ accepted: 0, duplicates: 250, rejected: 1, malformed: 3 });
    expect(run.stdout).toContain(`  line ${problems.rejectedLine}: rejected: data.conversation.status: expected string, got number\n`);
    expect(rowCount(server.databasePath, 'events')).toBe(239);
  });

  it('a gzipped JSON array, with the token from INGEST_TOKEN: all duplicates', async () => {
    const run = await runImport([arrayGzipFile, '--url', server.url], { INGEST_TOKEN: TEST_TOKEN });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toContain('(JSON array, gzip)');
    expect(summaryCounts(run.stdout)).toEqual({ accepted: 0, duplicates: 250, rejected: 1, malformed: 0 });
    expect(rowCount(server.databasePath, 'events')).toBe(239);
  });

  it('a wrong token: exit code 1, the dashboard refused the token, nothing stored', async () => {
    const run = await runImport([ndjsonFile, '--url', server.url, '--token', 'not-the-right-token-at-all']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the dashboard refused the token \(http:\/\/127\.0\.0\.1:\d+\/api\/events answered 401: invalid bearer token\)/);
    expect(summaryCounts(run.stdout)).toEqual({ accepted: 0, duplicates: 0, rejected: 0, malformed: expect.any(Number) });
    expect(rowCount(server.databasePath, 'events')).toBe(239);
  });
});

describe('npm run import --url (no server)', () => {
  it('a dashboard that cannot be reached: retried with backoff (about 7.5 s), then exit code 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runImport([ndjsonFile, '--url', url, '--token', TEST_TOKEN]);
    expect(run.code).toBe(1);
    expect(run.stderr.match(/retrying in/g)).toHaveLength(4);
    expect(run.stderr).toMatch(/error: giving up after 5 tries: cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/events: fetch failed \(.*ECONNREFUSED/);
    expect(summaryCounts(run.stdout)).toMatchObject({ accepted: 0, duplicates: 0, rejected: 0 });
  });
});
