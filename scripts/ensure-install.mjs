// Installs the npm packages when they are missing or older than package-lock.json, so the README's
// two commands (`npm start`, `npm test`) work on a fresh clone. Plain JavaScript: it runs before
// any dependency exists.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const installed = fs.statSync(path.join(root, 'node_modules', '.package-lock.json'), { throwIfNoEntry: false });
const lock = fs.statSync(path.join(root, 'package-lock.json'));

if (!installed || installed.mtimeMs < lock.mtimeMs) {
  console.log('[dashboard] installing npm packages…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
