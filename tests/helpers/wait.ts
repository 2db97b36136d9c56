import fs from 'node:fs';

/**
 * Resolves once `check` holds, looking every 10 ms; rejects after `timeoutMs` naming what was
 * awaited. For signals a test waits on (a marker file a test-only hook writes, a response that
 * arrived), never for time to pass: the bound only turns a hang into a failure.
 */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The lines of a file a test-only hook appends to (none while it is absent or empty). */
export function markerLines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
}
