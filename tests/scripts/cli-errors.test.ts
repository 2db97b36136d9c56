// The command-line scripts answer a wrong call with a message, not a stack trace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmScript } from '../helpers/npm-script';
import { ROOT, tempDatabasePath } from '../helpers/server';

const generate = (args: string[]) => {
  const run = npmScript('generate', args);
  return spawnSync(run.command, run.args, { cwd: ROOT, env: { ...process.env, ...run.env }, encoding: 'utf8' });
};

describe('npm run generate', () => {
  it('says how to call it on --help (exit 0) and on an unknown option (exit 2), without a stack trace', () => {
    const help = generate(['--help']);
    expect([help.status, help.stdout]).toEqual([0, expect.stringMatching(/^usage: npm run generate -- --out FILE/)]);
    const unknown = generate(['--bogus']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--bogus'/);
    expect(unknown.stderr).toContain('usage: npm run generate');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the flag a wrong value was given to, as typed (not the generator\'s option name)', () => {
    for (const [args, message] of [
      [['--per-day=-1'], '--per-day: Too small'],
      [['--days', '0'], '--days: Too small'],
      [['--timezone', 'Mars/X'], '--timezone: must be an IANA timezone'],
    ] as const) {
      const run = generate(['--out', `${tempDatabasePath('generate-flags')}.ndjson`, ...args]);
      expect([run.status, run.stderr], args.join(' ')).toEqual([2, expect.stringContaining(message)]);
    }
  });

  it('writes a relative --out where npm was run from, and names --out when it cannot write there', () => {
    const folder = path.dirname(tempDatabasePath('generate-relative'));
    const run = npmScript('generate', ['--out', 'relative.ndjson', '--days', '1', '--per-day', '3', '--seed', '7']);
    const result = spawnSync(run.command, run.args, { cwd: ROOT, env: { ...process.env, ...run.env, INIT_CWD: folder }, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(fs.existsSync(path.join(folder, 'relative.ndjson'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'relative.ndjson'))).toBe(false);
    const nowhere = generate(['--out', path.join(folder, 'no-such-folder', 'x.ndjson'), '--days', '1']);
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toContain(`error: cannot write --out ${path.join(folder, 'no-such-folder', 'x.ndjson')}: `);
  });

  it('writes the events it says it wrote, one envelope a line', () => {
    const out = `${tempDatabasePath('generate')}.ndjson`;
    const run = generate(['--out', out, '--days', '1', '--per-day', '5', '--seed', '7']);
    expect(run.status).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(run.stdout.trim()).toBe(`wrote ${lines.length} events to ${out}`);
    expect(new Set(lines.map((line) => JSON.parse(line).event))).toEqual(new Set(['onConversationCreate', 'onConversationUpdate']));
  });
});

describe('the database scripts with a wrong variable', () => {
  it('name the variable and exit 1, without a stack trace', () => {
    for (const name of ['db:migrate', 'db:reproject', 'demo:clear', 'db:compact']) {
      const run = npmScript(name);
      const result = spawnSync(run.command, run.args, { cwd: ROOT, env: { ...process.env, ...run.env, DATABASE_URL: 'postgres://db.example/dashboard' }, encoding: 'utf8' });
      expect(result.status, name).toBe(1);
      expect(result.stderr, name).toContain('DATABASE_URL: must be a SQLite file such as file:./data/dashboard.db');
      expect(result.stderr, name).not.toMatch(/\n\s+at /);
    }
  });

  it('name the variable and the path when the database cannot be opened, and create none where there was none to work on', () => {
    const run = (name: string, databasePath: string) => {
      const script = npmScript(name);
      return spawnSync(script.command, script.args, { cwd: ROOT, env: { ...process.env, ...script.env, DATABASE_URL: `file:${databasePath}` }, encoding: 'utf8' });
    };
    // A folder where the file should be, and a file that is no database.
    const folder = tempDatabasePath('a-folder');
    fs.mkdirSync(folder);
    const notDb = tempDatabasePath('not-a-database');
    fs.writeFileSync(notDb, 'this is no SQLite file, but long enough to have a header of sorts: '.repeat(20));
    for (const name of ['db:migrate', 'db:reproject', 'demo:clear']) {
      for (const databasePath of [folder, notDb]) {
        const result = run(name, databasePath);
        expect(result.status, `${name} ${databasePath}`).toBe(1);
        expect(result.stderr, name).toContain(`error: cannot open the database at ${databasePath} (DATABASE_URL): `);
        expect(result.stderr, name).not.toMatch(/\n\s+at /);
      }
    }
    // A mistyped path: nothing to reproject or clear, and no empty database left behind.
    const missing = tempDatabasePath('mistyped');
    for (const name of ['db:reproject', 'demo:clear', 'db:compact']) {
      const result = run(name, missing);
      expect(result.status, name).toBe(1);
      expect(result.stderr, name).toMatch(new RegExp(`no database at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(fs.existsSync(missing), name).toBe(false);
    }
  });
});
