// The command-line scripts answer a wrong call with a message, not a stack trace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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
});
