import { NextResponse, type NextRequest } from 'next/server';
import { accessFor } from '@/lib/auth/access-rules';
import { viewerOf } from '@/lib/auth/viewer';
import { VIEWER_HEADER } from '@/lib/auth/viewer-header';
import { config as appConfig } from '@/lib/config';
import { API_CONTENT_SECURITY_POLICY, newNonce, pageContentSecurityPolicy, STATIC_SECURITY_HEADERS } from '@/lib/security/headers';

/**
 * Runs before every page and API route except ingest (see the matcher): applies the access rule
 * (lib/auth/access-rules.ts) and sets the security headers, with a fresh CSP nonce for pages.
 */
export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const rule = accessFor(pathname);
  const isApi = pathname.startsWith('/api/');
  const nonce = newNonce();
  const csp = isApi ? API_CONTENT_SECURITY_POLICY : pageContentSecurityPolicy(nonce);
  const viewer = viewerOf(request.headers, appConfig().access);

  let response: NextResponse;
  if (!decodable(pathname)) {
    // Next.js cannot route such a path and would answer a bare 500.
    const message = 'This address has a malformed percent escape (a % not followed by two hex digits of valid UTF-8), so it names no page.';
    response = isApi
      ? NextResponse.json({ error: message }, { status: 400 })
      : new NextResponse(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Bad address</title><p>${message} <a href="/">Open the dashboard</a>.</p></html>`, {
          status: 400,
          headers: { 'content-type': 'text/html; charset=utf-8' },
        });
  } else if (rule === 'signed-in' && !viewer && !appConfig().access.configured) {
    // Open access addressed by another name than this machine's (isLoopbackHost): refused, and
    // said why, rather than sent to a sign-in page that has no password to ask for.
    const message = `No sign-in is configured, so this dashboard answers only addresses of this machine (localhost, 127.0.0.1, [::1]); this request was addressed to "${request.headers.get('host') ?? ''}". Set DASHBOARD_PASSWORD (README, "Security") to share it.`;
    response = isApi ? NextResponse.json({ error: message }, { status: 403 }) : new NextResponse(message, { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  } else if (rule === 'signed-in' && !viewer) {
    if (isApi) {
      response = NextResponse.json({ error: 'sign in required: open /login in a browser (the ingest token does not grant viewing)' }, { status: 401 });
    } else {
      const login = new URL('/login', request.url);
      login.searchParams.set('next', `${pathname}${search}`);
      response = NextResponse.redirect(login, 303);
    }
  } else {
    const forwarded = new Headers(request.headers);
    // Next.js takes the nonce for its scripts from the request's CSP header.
    forwarded.set('content-security-policy', csp);
    forwarded.delete(VIEWER_HEADER);
    if (viewer) forwarded.set(VIEWER_HEADER, viewer.via);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  response.headers.set('Content-Security-Policy', csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

/** Whether every percent escape of the path decodes (`/conversations/abc%` does not). */
function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export const config = {
  // Ingest and the benchmark yardstick check their own credentials: the proxy would buffer (and cap
  // at 10 MB) their bodies. Static chunks get their headers from next.config.js. Keep in step with
  // accessFor()'s 'machine' and 'public' prefixes.
  matcher: ['/((?!api/events$|api/events/|api/bench/|_next/static/).*)'],
};
