import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config';

describe('parseConfig', () => {
  it('has working defaults', () => {
    expect(parseConfig({})).toEqual({ databasePath: path.resolve('data/dashboard.db'), ingestToken: undefined, port: 3000, demoData: true });
    expect(parseConfig({ DEMO_DATA: '0' }).demoData).toBe(false);
  });

  it('reads file: URLs, plain paths and :memory:', () => {
    expect(parseConfig({ DATABASE_URL: 'file:/tmp/x.db' }).databasePath).toBe('/tmp/x.db');
    expect(parseConfig({ DATABASE_URL: 'file:./rel/x.db' }).databasePath).toBe(path.resolve('rel/x.db'));
    expect(parseConfig({ DATABASE_URL: '/var/lib/d.db' }).databasePath).toBe('/var/lib/d.db');
    expect(parseConfig({ DATABASE_URL: ':memory:' }).databasePath).toBe(':memory:');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: must be a port number'],
    [{ PORT: '70000' }, 'PORT: must be between 1 and 65535'],
    [{ PORT: '80.5' }, 'PORT: must be a whole number'],
    [{ INGEST_TOKEN: 'short' }, 'INGEST_TOKEN: must be at least 16 characters'],
    [{ DATABASE_URL: 'postgres://db/x' }, 'DATABASE_URL: must be a SQLite file'],
    [{ DATABASE_URL: '  ' }, 'DATABASE_URL: must not be empty'],
    [{ DEMO_DATA: 'yes' }, 'DEMO_DATA: must be 0 (never load demo data) or 1'],
  ])('names the variable that is wrong: %o', (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('treats an empty INGEST_TOKEN as unset (ingest disabled)', () => {
    expect(parseConfig({ INGEST_TOKEN: '' }).ingestToken).toBeUndefined();
  });
});
