// @ts-check
/**
 * Headers for every response, static chunks and ingest included. Pages and the other API routes
 * get theirs (with a per-request CSP nonce) from proxy.ts; ingest, which the proxy skips, gets a
 * CSP here. Values mirror lib/security/headers.ts (this file is plain JS, read before the build).
 */
const STATIC_SECURITY_HEADERS = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
];
const API_CSP = { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" };

/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ['better-sqlite3'],
  // No "X-Powered-By: Next.js" header on every response.
  poweredByHeader: false,
  reactStrictMode: true,
  // The build type-checks the app only; `npm run typecheck` (part of `npm test`) checks tests and scripts too.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  async headers() {
    return [
      { source: '/:path*', headers: STATIC_SECURITY_HEADERS },
      { source: '/api/events', headers: [API_CSP] },
      { source: '/api/events/:path*', headers: [API_CSP] },
      { source: '/api/bench/:path*', headers: [API_CSP] },
      { source: '/_next/static/:path*', headers: [API_CSP] },
    ];
  },
};

module.exports = nextConfig;
