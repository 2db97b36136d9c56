/**
 * The security headers every response carries. Pages get a content security policy with a fresh
 * nonce per request (proxy.ts): Next.js reads the nonce from the request's CSP header and puts it
 * on its own scripts; 'strict-dynamic' lets those scripts load the page's chunks, and nothing else
 * runs. Styles allow 'unsafe-inline' because recharts and React set inline style attributes (a
 * nonce cannot cover attributes); no script can be injected through a style.
 */
export const STATIC_SECURITY_HEADERS: Record<string, string> = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function pageContentSecurityPolicy(nonce: string, development = process.env.NODE_ENV === 'development'): string {
  return [
    "default-src 'self'",
    // React's development build needs eval for its debugging aids; the production build does not.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** For responses that are never HTML pages (ingest, JSON, CSV): nothing may load or frame them. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}
