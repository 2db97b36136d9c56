// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ['better-sqlite3'],
  // No "X-Powered-By: Next.js" header on every response.
  poweredByHeader: false,
  reactStrictMode: true,
  // The build type-checks the app only; `npm run typecheck` (part of `npm test`) checks tests and scripts too.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
};

module.exports = nextConfig;
