import { config } from '../config';
import { LoginThrottle, clientKey } from './login-throttle';
import { clearedSessionCookie, isHttps, sessionCookie, signSession } from './session';
import { sameSecret } from './viewer';

const globalForLogin = globalThis as typeof globalThis & { __loginThrottle?: LoginThrottle };
const throttle = (globalForLogin.__loginThrottle ??= new LoginThrottle());

/**
 * Where to go after signing in: a path on this site only. Parsed the way a browser parses a
 * Location (dropping tabs and newlines, reading a backslash as a slash), so no value such as
 * `//evil.example` can lead to another site.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return '/';
  const base = 'http://dashboard.invalid';
  const url = new URL(value, base);
  // A path that resolves to start with two slashes (`/.//evil.com`, `/..//evil.com`, `/./\evil.com`)
  // is on this site to the URL parser, but a browser reads `//evil.com` as another host.
  if (url.origin !== base || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * POST /api/auth/login (a plain form: `password`, `next`). Right password: a session cookie and a
 * redirect to `next`. Wrong: back to /login with a message. Too many wrong ones from this client:
 * 429 with Retry-After, without even checking the password.
 */
export async function handleLogin(request: Request): Promise<Response> {
  if (!sameOrigin(request)) return crossSiteRefusal('sign in from this dashboard\'s own /login page');
  const { access } = config();
  if (!access.password || !access.sessionKey) {
    return Response.json({ error: 'password sign-in is not configured on this server (DASHBOARD_PASSWORD is unset)' }, { status: 404 });
  }
  const form = await request.formData().catch(() => null);
  const password = form?.get('password');
  const next = safeNext(form?.get('next'));
  const client = clientKey(request.headers);
  const wait = throttle.waitMs(client);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    return new Response(`Too many wrong passwords from your address: try again in ${seconds} s.`, {
      status: 429,
      headers: { 'Retry-After': String(seconds), 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  const loginPage = new URL('/login', request.url);
  loginPage.searchParams.set('next', next);
  if (typeof password !== 'string' || !sameSecret(password, access.password)) {
    throttle.failed(client);
    loginPage.searchParams.set('error', 'wrong');
    return redirect(loginPage.pathname + loginPage.search);
  }
  throttle.succeeded(client);
  const value = signSession(access.sessionKey, 'team', Date.now() + access.sessionSeconds * 1000);
  return redirect(next, sessionCookie(value, access.sessionSeconds, isHttps(request)));
}

export function handleLogout(request: Request): Response {
  if (!sameOrigin(request)) return crossSiteRefusal('sign out with this dashboard\'s own Sign out button');
  return redirect('/login', clearedSessionCookie(isHttps(request)));
}

/** A relative 303 redirect, so it stays on whatever host and scheme the browser used. */
function redirect(location: string, cookie?: string): Response {
  const headers = new Headers({ Location: location });
  if (cookie) headers.set('Set-Cookie', cookie);
  return new Response(null, { status: 303, headers });
}

/**
 * Sign-in and sign-out only from our own pages, so another site's form cannot sign a visitor out
 * or into the team account. Browsers say where a request comes from in `Sec-Fetch-Site`; older
 * ones only in `Origin`, which is `null` under our `Referrer-Policy: no-referrer` and then proves
 * nothing. Requests with neither (curl, scripts) are not browsers acting for someone else.
 */
function sameOrigin(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin' || site === 'none';
  const origin = request.headers.get('origin');
  if (origin === null || origin === 'null') return true;
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() ?? request.headers.get('host');
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** 403 for a sign-in or sign-out posted from another site; `how`: what to do instead. */
function crossSiteRefusal(how: string): Response {
  return Response.json({ error: `cross-site request refused: ${how}` }, { status: 403 });
}
