// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ['better-sqlite3'],
  // No "X-Powered-By: Next.js" header on every response.
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
