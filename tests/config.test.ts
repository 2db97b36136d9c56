import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config';

describe('parseConfig', () => {
  it('has working defaults', () => {
    expect(parseConfig({})).toEqual({
      databasePath: path.resolve('data/dashboard.db'),
      ingestToken: undefined,
      port: 3000,
      demoData: true,
      figureCacheBytes: 512 * 1024 * 1024,
      rangeRefreshSeconds: 60,
      timezone: 'UTC',
      host: '127.0.0.1',
      access: { password: undefined, sessionKey: undefined, sessionSeconds: 12 * 3600, proxyHeader: undefined, proxySecret: undefined, configured: false },
    });
    expect(parseConfig({ DEMO_DATA: '0' }).demoData).toBe(false);
    expect(parseConfig({ FIGURE_CACHE_MB: '0' }).figureCacheBytes).toBe(0);
    expect(parseConfig({ FIGURE_CACHE_MB: '64' }).figureCacheBytes).toBe(64 * 1024 * 1024);
    // Empty is unset, not 0 (which would turn the cache off): FIGURE_CACHE_MB= in an env file.
    for (const empty of ['', ' ']) expect(parseConfig({ FIGURE_CACHE_MB: empty }).figureCacheBytes).toBe(512 * 1024 * 1024);
    expect(parseConfig({ RANGE_REFRESH_SECONDS: '0' }).rangeRefreshSeconds).toBe(0);
    expect(parseConfig({ RANGE_REFRESH_SECONDS: '15' }).rangeRefreshSeconds).toBe(15);
    expect(parseConfig({ RANGE_REFRESH_SECONDS: '' }).rangeRefreshSeconds).toBe(60);
    expect(parseConfig({ DASHBOARD_TZ: 'Europe/Berlin' }).timezone).toBe('Europe/Berlin');
    expect(parseConfig({ DASHBOARD_TZ: ' Asia/Kolkata ' }).timezone).toBe('Asia/Kolkata');
    expect(parseConfig({ DASHBOARD_TZ: 'europe/berlin' }).timezone).toBe('Europe/Berlin');
    for (const empty of ['', ' ']) expect(parseConfig({ DASHBOARD_TZ: empty }).timezone).toBe('UTC');
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
    [{ FIGURE_CACHE_MB: 'lots' }, 'FIGURE_CACHE_MB: must be a number of megabytes'],
    [{ RANGE_REFRESH_SECONDS: '2' }, 'RANGE_REFRESH_SECONDS: must be 0 (never) or between 5 and 3600'],
    [{ RANGE_REFRESH_SECONDS: 'often' }, 'RANGE_REFRESH_SECONDS: must be a number of seconds'],
    [{ DASHBOARD_TZ: 'CEST' }, 'DASHBOARD_TZ: must be an IANA timezone such as Europe/Berlin'],
    [{ DASHBOARD_TZ: 'Europe/Atlantis' }, 'DASHBOARD_TZ: must be an IANA timezone such as Europe/Berlin'],
    [{ FIGURE_CACHE_MB: '-1' }, 'FIGURE_CACHE_MB: must be between 0 (no cache) and 65536'],
    [{ DASHBOARD_PASSWORD: 'short' }, 'DASHBOARD_PASSWORD: must be at least 12 characters'],
    [{ SESSION_SECRET: 'x'.repeat(31) }, 'SESSION_SECRET: must be at least 32 characters'],
    [{ SESSION_HOURS: '0' }, 'SESSION_HOURS: must be between 0.1 and 720 hours'],
    [{ AUTH_PROXY_HEADER: 'X User' }, 'AUTH_PROXY_HEADER: must be an HTTP header name'],
    [{ AUTH_PROXY_SECRET: 'short' }, 'AUTH_PROXY_SECRET: must be at least 16 characters'],
    [{ HOST: '0.0.0.0' }, 'HOST: the dashboard has no sign-in configured'],
    [{ AUTH_PROXY_HEADER: 'X-Forwarded-User' }, 'AUTH_PROXY_HEADER: anyone reaching 0.0.0.0 could send this header'],
  ])('names the variable that is wrong: %o', (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('treats PORT, DEMO_DATA and SESSION_HOURS set empty as unset (their defaults), as an env file writes them', () => {
    const settings = parseConfig({ PORT: '', DEMO_DATA: ' ', SESSION_HOURS: '' });
    expect([settings.port, settings.demoData]).toEqual([3000, true]);
    expect(parseConfig({ PORT: '', DASHBOARD_PASSWORD: 'correct horse battery staple', SESSION_HOURS: '' }).access).toMatchObject({ sessionSeconds: 12 * 3600 });
  });

  it('treats an empty INGEST_TOKEN as unset (ingest disabled)', () => {
    expect(parseConfig({ INGEST_TOKEN: '' }).ingestToken).toBeUndefined();
  });

  it('listens on localhost until access is configured, then on HOST (default 0.0.0.0)', () => {
    expect(parseConfig({}).host).toBe('127.0.0.1');
    expect(parseConfig({ DASHBOARD_PASSWORD: 'correct horse battery' }).host).toBe('0.0.0.0');
    expect(parseConfig({ DASHBOARD_PASSWORD: 'correct horse battery', HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    expect(parseConfig({ AUTH_PROXY_HEADER: 'X-Forwarded-User', HOST: '127.0.0.1' }).access).toMatchObject({ configured: true, proxyHeader: 'x-forwarded-user' });
    expect(parseConfig({ AUTH_PROXY_HEADER: 'X-Forwarded-User', AUTH_PROXY_SECRET: 's'.repeat(16) }).host).toBe('0.0.0.0');
  });

  it('derives a stable session key from the password unless SESSION_SECRET is set', () => {
    const a = parseConfig({ DASHBOARD_PASSWORD: 'correct horse battery' }).access.sessionKey!;
    expect(a).toHaveLength(32);
    expect(parseConfig({ DASHBOARD_PASSWORD: 'correct horse battery' }).access.sessionKey).toEqual(a);
    expect(parseConfig({ DASHBOARD_PASSWORD: 'another team password' }).access.sessionKey).not.toEqual(a);
    expect(parseConfig({ DASHBOARD_PASSWORD: 'correct horse battery', SESSION_SECRET: 'k'.repeat(32) }).access.sessionKey).not.toEqual(a);
  });
});
