/**
 * Who may read and write, through the production server: open on a first run (with a banner),
 * password sessions, the trusted-proxy mode, ingest's separate token, and the security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES } from '@/lib/pages';
import { signSession } from '@/lib/auth/session';
import { parseConfig } from '@/lib/config';
import { streamLines } from '../helpers/fixtures';
import { getWithHost, login, postEvents, startServer, TEST_PASSWORD, TEST_TOKEN, type TestServer, postStream } from '../helpers/server';

/** Every dashboard page (existing or not yet built in this branch), JSON endpoint and export the rule must cover. */
const VIEWING_PATHS = [
  ...PAGES.map((page) => page.href),
  '/conversations/some-id',
  '/api/live',
  '/api/reports/conversations.csv',
  '/api/reports/anything.csv',
  '/no-such-page',
  // Close to the paths the proxy leaves to their own handlers (ingest, bench), but not them.
  '/api/eventsx',
  '/api/events-export.csv',
  '/api/benchmark',
];

const get = (server: TestServer, path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers, redirect: 'manual' });


function expectSecurityHeaders(response: Response, kind: 'page' | 'api') {
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  if (kind === 'page') {
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
  } else {
    expect(csp).toContain("default-src 'none'");
  }
}

describe('first run: nothing configured', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    await postStream(server);
  });
  afterAll(() => server?.stop());

  it('is open, says so on every page, and health shows its figures', async () => {
    const page = await get(server, '/?from=2026-10-01&to=2026-10-31');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Open access.');
    expect(html).toContain('listens on this machine only');
    expect(html).not.toContain('Sign out');
    expect((await get(server, '/api/live')).status).toBe(200);
    expect(await (await get(server, '/api/health')).json()).toMatchObject({ status: 'ok', events: 239, conversations: 60 });
  });

  it('answers only requests addressed to this machine: a page that rebinds its own name to 127.0.0.1 reads nothing', async () => {
    const port = new URL(server.url).port;
    for (const path of ['/', '/api/live', '/api/reports/conversations.csv']) {
      const refused = await getWithHost(server, path, `attacker.example:${port}`);
      expect(refused.status, path).toBe(403);
      expect(refused.body).toContain('answers only addresses of this machine');
      expect(refused.body).not.toContain('Open access.');
    }
    expect(JSON.parse((await getWithHost(server, '/api/health', `attacker.example:${port}`)).body)).toEqual({ status: 'ok', db: 'ok' });
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `127.1.2.3:${port}`, `app.localhost:${port}`]) {
      expect((await getWithHost(server, '/api/live', host)).status, host).toBe(200);
    }
  });

  it('still keeps ingest behind its token', async () => {
    expect((await postEvents(server, streamLines()[0]!, { authorization: '' })).status).toBe(401);
  });

  it('sends the security headers on pages, JSON, errors, ingest and static chunks', async () => {
    const page = await get(server, '/');
    expectSecurityHeaders(page, 'page');
    const html = await page.text();
    // Next.js put the CSP's nonce on its scripts.
    const nonce = /'nonce-([^']+)'/.exec(page.headers.get('content-security-policy')!)![1]!;
    expect(html).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/<script(?![^>]*nonce=)[^>]*>/);
    expectSecurityHeaders(await get(server, '/login'), 'page');
    const missing = await get(server, '/no-such-page');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing, 'page');
    expectSecurityHeaders(await get(server, '/api/health'), 'api');
    expectSecurityHeaders(await get(server, '/api/live?from=nonsense'), 'api');
    const underIngest = await get(server, '/api/events/x');
    expect(underIngest.status).toBe(404);
    expectSecurityHeaders(underIngest, 'api');
    const wrongMethod = await get(server, '/api/events');
    expect(wrongMethod.status).toBe(405);
    expectSecurityHeaders(wrongMethod, 'api');
    // A JSON body naming the method to use, and Allow, for each method but POST (Next's own 405 had neither).
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      const response = await fetch(`${server.url}/api/events`, { method });
      expect([method, response.status, response.headers.get('allow')]).toEqual([method, 405, 'POST']);
      expect((await response.json()).error).toContain('send events with POST');
    }
    const ingest = await postEvents(server, 'not json');
    expect(ingest.status).toBe(400);
    expectSecurityHeaders(new Response(null, { headers: ingest.headers }), 'api');
    const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await get(server, chunk);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('team password (DASHBOARD_PASSWORD)', () => {
  let server: TestServer;
  const sessionKey = parseConfig({ DASHBOARD_PASSWORD: TEST_PASSWORD }).access.sessionKey!;
  beforeAll(async () => {
    server = await startServer({ password: true });
    await postStream(server);
  });
  afterAll(() => server?.stop());

  it('sends pages to sign-in and refuses JSON and CSV without a session', async () => {
    for (const path of VIEWING_PATHS) {
      const response = await get(server, path);
      if (path.startsWith('/api/')) {
        expect(response.status, path).toBe(401);
        expect((await response.json()).error).toContain('sign in required');
        expectSecurityHeaders(response, 'api');
      } else {
        expect(response.status, path).toBe(303);
        expect(response.headers.get('location'), path).toBe(`/login?next=${encodeURIComponent(path)}`);
        expectSecurityHeaders(response, 'page');
      }
    }
    const login = await get(server, '/login?next=%2Fagents');
    expect(login.status).toBe(200);
    const html = await login.text();
    expect(html).toContain('name="password"');
    expect(html).toContain('action="/api/auth/login"');
    expect(html).not.toContain('Open access.');
    expect(html).not.toContain('aria-label="Dashboard pages"'); // no page links before signing in
  });

  it('health answers anyone, but shows figures and reasons only to a signed-in viewer', async () => {
    const anonymous = await get(server, '/api/health');
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ok', db: 'ok' });
    const cookie = await login(server);
    expect(await (await get(server, '/api/health', { cookie })).json()).toMatchObject({ status: 'ok', events: 239, conversations: 60 });
  });

  it('signs in with the right password: a signed, http-only, same-site cookie that expires', async () => {
    const response = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      body: new URLSearchParams({ password: TEST_PASSWORD, next: '/?from=2026-10-01&to=2026-10-31' }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/?from=2026-10-01&to=2026-10-31');
    const setCookie = response.headers.get('set-cookie')!;
    const attributes = setCookie.split(';').map((part) => part.trim());
    expect(attributes[0]).toMatch(/^dashboard_session=\d+\.[\w-]+\.[\w-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', `Max-Age=${12 * 3600}`]));
    expect(attributes).not.toContain('Secure'); // plain http here; see the https case below
    const expires = Number(attributes[0]!.split('=')[1]!.split('.')[0]);
    expect(expires * 1000).toBeGreaterThan(Date.now() + 11 * 3600_000);
    expect(expires * 1000).toBeLessThanOrEqual(Date.now() + 12 * 3600_000 + 1000);

    const cookie = attributes[0]!;
    for (const path of ['/?from=2026-10-01&to=2026-10-31', '/login', '/api/live']) {
      const page = await get(server, path, { cookie });
      expect(page.status, path).toBe(200);
    }
    const overview = await (await get(server, '/?from=2026-10-01&to=2026-10-31', { cookie })).text();
    expect(overview).toContain('Sign out');
    expect(overview).not.toContain('Open access.');
  });

  it('marks the cookie Secure when the browser came over https', async () => {
    const response = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'x-forwarded-proto': 'https' },
      body: new URLSearchParams({ password: TEST_PASSWORD }),
      redirect: 'manual',
    });
    expect(response.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('refuses tampered, foreign and expired cookies', async () => {
    const good = (await login(server)).split('=')[1]!;
    const [expires, user, signature] = good.split('.') as [string, string, string];
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
    const forged = signSession(Buffer.alloc(32, 7), 'team', Date.now() + 3600_000);
    const cases = {
      'signature altered': `${expires}.${user}.${flipped}`,
      'expiry extended': `${Number(expires) + 86400}.${user}.${signature}`,
      'user changed': `${expires}.${Buffer.from('admin').toString('base64url')}.${signature}`,
      'signed with another key': forged,
      expired: signSession(sessionKey, 'team', Date.now() - 1000),
      'not a session': 'garbage',
      empty: '',
    };
    // The test signs correctly: the same key and a future expiry is accepted.
    expect((await get(server, '/api/live', { cookie: `dashboard_session=${signSession(sessionKey, 'team', Date.now() + 60_000)}` })).status).toBe(200);
    for (const [name, value] of Object.entries(cases)) {
      expect((await get(server, '/api/live', { cookie: `dashboard_session=${value}` })).status, name).toBe(401);
      expect((await get(server, '/', { cookie: `dashboard_session=${value}` })).status, name).toBe(303);
    }
  });

  it('never lets the session ingest, nor the ingest token view', async () => {
    const cookie = await login(server);
    const withCookie = await postEvents(server, streamLines()[0]!, { authorization: '', cookie });
    expect(withCookie.status).toBe(401);
    const bearer = { authorization: `Bearer ${TEST_TOKEN}` };
    expect((await get(server, '/', bearer)).status).toBe(303);
    expect((await get(server, '/api/live', bearer)).status).toBe(401);
    expect((await get(server, '/api/reports/conversations.csv', bearer)).status).toBe(401);
    expect(await (await get(server, '/api/health', bearer)).json()).toEqual({ status: 'ok', db: 'ok' });
    // A correct token still ingests (a duplicate of the stream's first line).
    expect((await postEvents(server, streamLines()[0]!)).json).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it('slows repeated wrong passwords: refused with 429 and Retry-After, even the right one, for that client only', async () => {
    const attempt = (password: string, client: string) =>
      fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'x-forwarded-for': client },
        body: new URLSearchParams({ password, next: '/agents' }),
        redirect: 'manual',
      });
    for (let i = 0; i < 3; i++) {
      const wrong = await attempt('not-the-password', '203.0.113.9');
      expect(wrong.status).toBe(303);
      expect(wrong.headers.get('location')).toBe('/login?next=%2Fagents&error=wrong');
      expect(wrong.headers.get('set-cookie')).toBeNull();
    }
    const refused = await attempt('not-the-password', '203.0.113.9');
    expect(refused.status).toBe(429);
    const firstWait = Number(refused.headers.get('retry-after'));
    expect(firstWait).toBeGreaterThanOrEqual(1);
    expect(firstWait).toBeLessThanOrEqual(5);
    // The right password is not even checked while the client is locked out.
    const right = await attempt(TEST_PASSWORD, '203.0.113.9');
    expect(right.status).toBe(429);
    expect(right.headers.get('set-cookie')).toBeNull();
    // Another client is not affected.
    expect((await attempt(TEST_PASSWORD, '198.51.100.7')).status).toBe(303);
    expect((await attempt(TEST_PASSWORD, '198.51.100.7')).headers.get('set-cookie')).toMatch(/^dashboard_session=/);
  });

  it('signs out: the cookie is cleared', async () => {
    const response = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login');
    expect(response.headers.get('set-cookie')).toMatch(/^dashboard_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax/);
  });

  it('refuses sign-in and sign-out posted from another site', async () => {
    const post = (path: string, headers: Record<string, string>) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'x-forwarded-for': '192.0.2.45', ...headers },
        body: new URLSearchParams({ password: TEST_PASSWORD }),
        redirect: 'manual',
      });
    for (const path of ['/api/auth/login', '/api/auth/logout']) {
      const crossSites: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site', origin: 'null' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }];
      for (const crossSite of crossSites) {
        const refused = await post(path, crossSite);
        expect(refused.status, `${path} ${JSON.stringify(crossSite)}`).toBe(403);
        expect(refused.headers.get('set-cookie')).toBeNull();
        // Saying what to do instead, for the request refused (a sign-out is not told to sign in).
        expect((await refused.json()).error, path).toContain(path.endsWith('logout') ? 'sign out with this dashboard' : 'sign in from this dashboard');
      }
      // What Chromium sends from our own form (Origin is null under Referrer-Policy: no-referrer).
      expect((await post(path, { 'sec-fetch-site': 'same-origin', origin: 'null' })).status, path).toBe(303);
      expect((await post(path, { origin: server.url })).status, path).toBe(303);
    }
  });

  it('never redirects off the site after sign-in', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const response = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'x-forwarded-for': '192.0.2.44' },
        body: new URLSearchParams({ password: TEST_PASSWORD, next }),
        redirect: 'manual',
      });
      expect(response.headers.get('location'), next).toBe('/');
    }
  });
});

describe('trusted-proxy mode (AUTH_PROXY_HEADER)', () => {
  const secret = 'proxy-shared-secret-0123456789';
  let withSecret: TestServer;
  let onLoopback: TestServer;
  beforeAll(async () => {
    [withSecret, onLoopback] = await Promise.all([
      startServer({ env: { AUTH_PROXY_HEADER: 'X-Forwarded-User', AUTH_PROXY_SECRET: secret } }),
      startServer({ env: { AUTH_PROXY_HEADER: 'X-Forwarded-User', HOST: '127.0.0.1' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([withSecret?.stop(), onLoopback?.stop()]);
  });

  it('with AUTH_PROXY_SECRET: admits the header only together with the shared secret', async () => {
    expect((await get(withSecret, '/api/live', { 'x-forwarded-user': 'ana@example.com', 'x-auth-proxy-secret': secret })).status).toBe(200);
    expect((await get(withSecret, '/', { 'x-forwarded-user': 'ana@example.com', 'x-auth-proxy-secret': secret })).status).toBe(200);
    expect((await get(withSecret, '/api/live', { 'x-forwarded-user': 'ana@example.com' })).status).toBe(401);
    expect((await get(withSecret, '/api/live', { 'x-forwarded-user': 'ana@example.com', 'x-auth-proxy-secret': `${secret}x` })).status).toBe(401);
    expect((await get(withSecret, '/api/live', { 'x-forwarded-user': '', 'x-auth-proxy-secret': secret })).status).toBe(401);
    expect((await get(withSecret, '/api/live')).status).toBe(401);
    // No password configured: the form is not offered, and posting to it does not sign in.
    expect(await (await get(withSecret, '/login')).text()).toContain('single sign-on proxy');
    expect((await fetch(`${withSecret.url}/api/auth/login`, { method: 'POST', body: new URLSearchParams({ password: 'x'.repeat(20) }) })).status).toBe(404);
  });

  it('on a loopback HOST without a secret: the header alone admits (only the local proxy can connect)', async () => {
    expect((await get(onLoopback, '/api/live', { 'x-forwarded-user': 'ana@example.com' })).status).toBe(200);
    expect((await get(onLoopback, '/api/live')).status).toBe(401);
    expect((await get(onLoopback, '/')).status).toBe(303);
  });
});
