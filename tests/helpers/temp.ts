import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Folders made by this test file: removed after it (tests/setup/temp-dirs.ts), whatever its outcome. */
const made = new Set<string>();

/** A fresh folder under the system's temporary folder, `dashboard-<label>-…`, removed after the test file. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dashboard-${label}-`));
  made.add(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  made.clear();
}
