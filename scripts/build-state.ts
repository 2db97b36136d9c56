import fs from 'node:fs';
import path from 'node:path';

/** What the production build is made from: a build older than any of these is stale. */
const SOURCE_DIRS = ['app', 'components', 'db', 'lib', 'drizzle'];
export const SOURCE_FILES = ['next.config.js', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'instrumentation.ts', 'proxy.ts'];

export const ROOT = path.resolve(__dirname, '..');
export const BUILD_ID_FILE = path.join(ROOT, '.next', 'BUILD_ID');

/** The newest modification time among the build's sources, in ms. */
export function newestSourceMtime(): number {
  let newest = 0;
  const visit = (file: string) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const entry of fs.readdirSync(file)) visit(path.join(file, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of [...SOURCE_DIRS, ...SOURCE_FILES]) visit(path.join(ROOT, entry));
  return newest;
}

/** Whether a production build exists and is at least as new as every source. */
export function buildIsCurrent(): boolean {
  const buildId = fs.statSync(BUILD_ID_FILE, { throwIfNoEntry: false });
  return !!buildId && buildId.mtimeMs >= newestSourceMtime();
}
