/**
 * THE rule of which path needs what. proxy.ts applies it to every request it sees; its matcher
 * (which must be a literal there) leaves out only the `machine` paths, whose route handlers check
 * their own credentials, so their bodies are not buffered by the proxy.
 */
export type PathAccess =
  /** Sign-in page, login/logout, static assets: open to anyone. */
  | 'public'
  /** Load balancers and test helpers: reachable without a session; reveals less without one (README, "Security"). */
  | 'health'
  /** Ingest (bearer token only, never a session) and the benchmark's yardstick (off unless BENCH_BASELINE=1). */
  | 'machine'
  /** Everything else (pages, /api/live, /api/reports/*.csv, …): a session once access is configured. */
  | 'signed-in';

const PUBLIC_EXACT = new Set(['/login', '/api/auth/login', '/api/auth/logout', '/favicon.ico', '/icon.svg', '/robots.txt']);
const PUBLIC_PREFIXES = ['/_next/static/', '/_next/image'];
const MACHINE_PREFIXES = ['/api/events', '/api/bench/'];

export function accessFor(pathname: string): PathAccess {
  if (PUBLIC_EXACT.has(pathname) || PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return 'public';
  if (pathname === '/api/health') return 'health';
  if (MACHINE_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))) return 'machine';
  return 'signed-in';
}
