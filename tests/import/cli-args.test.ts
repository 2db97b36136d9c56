/** The command line, parsed with node:util parseArgs and checked with zod. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '@/lib/import/cli';

const env = { INIT_CWD: '/somewhere' };

describe('parseCliArgs', () => {
  it('a file alone: the local database, batches of 1,000, the path relative to where npm was run', () => {
    expect(parseCliArgs(['events.ndjson'], env)).toEqual({
      ok: true,
      args: { help: false, file: path.resolve('/somewhere', 'events.ndjson'), batch: 1000, target: { kind: 'local' } },
    });
  });

  it('--url with --token, or with INGEST_TOKEN from the environment', () => {
    expect(parseCliArgs(['/data/e.json.gz', '--url', 'http://localhost:3000', '--token', 'secret-token', '--batch', '250'], env)).toEqual({
      ok: true,
      args: { help: false, file: '/data/e.json.gz', batch: 250, target: { kind: 'http', url: 'http://localhost:3000', token: 'secret-token' } },
    });
    expect(parseCliArgs(['e.ndjson', '--url=https://dash.example.com'], { ...env, INGEST_TOKEN: 'from-the-env' })).toMatchObject({
      ok: true,
      args: { target: { kind: 'http', url: 'https://dash.example.com', token: 'from-the-env' } },
    });
  });

  it('--help, -h', () => {
    expect(parseCliArgs(['--help'], env)).toEqual({ ok: true, args: { help: true } });
    expect(parseCliArgs(['x', '-h'], env)).toEqual({ ok: true, args: { help: true } });
  });

  it.each([
    [[], 'FILE: missing: name the file to import'],
    [['a', 'b'], 'FILE: one file at a time'],
    [['a', '--batch', '0'], '--batch: must be at least 1'],
    [['a', '--batch', '20000'], "--batch: must be at most 10,000 (the most POST /api/events takes in one request)"],
    [['a', '--batch', 'many'], '--batch: must be a whole number'],
    [['a', '--batch', '2.5'], '--batch: must be a whole number'],
    [['a', '--url', 'localhost:3000', '--token', 'x'], '--url: must be the http:// or https:// base URL of the dashboard, e.g. http://localhost:3000'],
    [['a', '--url', 'ftp://files.example.com', '--token', 'x'], '--url: must be the http:// or https:// base URL of the dashboard, e.g. http://localhost:3000'],
    [['a', '--url', 'http://localhost:3000'], "--url needs the dashboard's INGEST_TOKEN: pass --token TOKEN or set INGEST_TOKEN"],
    [['a', '--url', 'http://localhost:3000', '--token', 'has space'], '--token: must be the INGEST_TOKEN: printable characters, no spaces'],
    [['a', '--token', 'x'], '--token: only used with --url (without --url, events go straight into the local database)'],
  ])('%j: %s', (args, error) => {
    expect(parseCliArgs(args, env)).toEqual({ ok: false, error });
  });

  it('an unknown option or a missing value: parseArgs says which', () => {
    expect(parseCliArgs(['a', '--frobnicate'], env)).toMatchObject({ ok: false, error: expect.stringMatching(/^Unknown option '--frobnicate'/) });
    expect(parseCliArgs(['a', '--batch'], env)).toMatchObject({ ok: false, error: expect.stringMatching(/--batch/) });
  });
});
