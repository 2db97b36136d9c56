import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './server';

/** shared/ sits beside the repository (../shared), in development and in CI alike. */
export const FIXTURES_DIR = path.resolve(ROOT, '..', 'shared', 'fixtures');

export const FIXTURE_FILES = fs
  .readdirSync(FIXTURES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();

export function readFixture(file: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, file), 'utf8'));
}

export function fixtureText(file: string): string {
  return fs.readFileSync(path.join(FIXTURES_DIR, file), 'utf8');
}

/** The 250 lines of the out-of-order stream, as sent. */
export function streamLines(): string[] {
  return fixtureText('stream-60-conversations.ndjson')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
