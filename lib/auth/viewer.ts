import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccessConfig } from '../config';
import { SESSION_COOKIE, verifySession } from './session';

export const PROXY_SECRET_HEADER = 'x-auth-proxy-secret';

/** Who is looking at the dashboard, and how we know. */
export type Viewer = { user: string; via: 'open' | 'session' | 'proxy' } | null;

/**
 * Whether a request may view the dashboard:
 * - nothing configured (first run): everyone (the server then listens on localhost only) who
 *   addresses it by a name of this machine (isLoopbackHost);
 * - a valid session cookie (DASHBOARD_PASSWORD sign-in);
 * - trusted-proxy mode: the AUTH_PROXY_HEADER header names a user and, with AUTH_PROXY_SECRET,
 *   X-Auth-Proxy-Secret matches (otherwise the config allows this mode only on a loopback HOST).
 * The ingest bearer token is not consulted here: it never grants viewing.
 */
export function viewerOf(headers: Headers, access: AccessConfig): Viewer {
  if (!access.configured) return isLoopbackHost(headers.get('host')) ? { user: 'anyone', via: 'open' } : null;
  if (access.sessionKey) {
    const user = verifySession(access.sessionKey, cookieValue(headers.get('cookie'), SESSION_COOKIE));
    if (user !== null) return { user, via: 'session' };
  }
  if (access.proxyHeader) {
    const user = headers.get(access.proxyHeader)?.trim();
    const secretOk = !access.proxySecret || sameSecret(headers.get(PROXY_SECRET_HEADER) ?? '', access.proxySecret);
    if (user && secretOk) return { user, via: 'proxy' };
  }
  return null;
}

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** Constant-time comparison whatever the lengths (both sides hashed first). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Whether a request's Host names this machine: `localhost` (or a name under it), an address of
 * 127.0.0.0/8, or [::1], with any port. Open access (nothing configured) answers only those: the
 * server listens on a loopback address then, but a web page the local user opens can have its own
 * name resolve to 127.0.0.1 once loaded (DNS rebinding) and read the dashboard as its own origin;
 * such a request still carries that page's name as its Host.
 */
export function isLoopbackHost(host: string | null): boolean {
  if (!host) return false;
  const name = (host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '')).toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
}
