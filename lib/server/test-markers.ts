import fs from 'node:fs';

// Read once: set for the test servers only (README, "Configuration").
const enabled = process.env.DASHBOARD_FAULT_INJECTION === '1';

/**
 * Tests only (DASHBOARD_FAULT_INJECTION=1): while the marker file (`<database>.<marker>`) exists,
 * adds `line` to it, so that a test waits for the server to say it got somewhere instead of
 * waiting for time to pass. Does nothing otherwise. The caller writes the whole path with the
 * marker's name spelled out: a path built here from two unknown parts (`${a}.${b}`) made the
 * build's file tracing try to match every file and run out of memory.
 */
export function appendTestMarker(file: string, line: string): void {
  if (enabled && fs.existsSync(file)) fs.appendFileSync(file, `${line}\n`);
}
