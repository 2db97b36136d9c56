/**
 * Runs once when the Next.js server starts: checks the configuration and opens (and migrates)
 * the database before the first request, so a misconfiguration stops the server with a clear
 * message instead of failing on the first page view.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startServer } = await import('./lib/server/startup');
  startServer();
}
