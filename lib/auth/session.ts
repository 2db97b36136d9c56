import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'dashboard_session';

/**
 * A session cookie's value: `<expires (epoch s)>.<user, base64url>.<HMAC-SHA256, base64url>`. The
 * expiry is inside the signed part, so a client cannot extend it by keeping the cookie longer.
 */
export function signSession(key: Buffer, user: string, expiresAtMs: number): string {
  const payload = `${Math.floor(expiresAtMs / 1000)}.${Buffer.from(user, 'utf8').toString('base64url')}`;
  return `${payload}.${mac(key, payload)}`;
}

/** The signed-in user, or null when the value is missing, altered, signed with another key or expired. */
export function verifySession(key: Buffer, value: string | undefined, nowMs = Date.now()): string | null {
  if (!value) return null;
  const parts = value.split('.');
  if (parts.length !== 3) return null;
  const [expires, user, signature] = parts as [string, string, string];
  const expected = Buffer.from(mac(key, `${expires}.${user}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (!/^\d+$/.test(expires) || Number(expires) * 1000 <= nowMs) return null;
  return Buffer.from(user, 'base64url').toString('utf8');
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(`v1.${payload}`).digest('base64url');
}

/** `Set-Cookie` for a new session: http-only, same-site, Secure on https, expiring with the signed value. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, 'Path=/', 'Max-Age=0', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

/** Whether the browser reached us over https (directly, or through a proxy that says so). */
export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}
