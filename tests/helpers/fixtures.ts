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

/** A conversation created now: the create fixture with a fresh id and today's times, as one line of JSON. */
export function createdNow(id: string): string {
  const envelope = readFixture('01-onConversationCreate.create.json');
  const now = new Date().toISOString();
  envelope.data.conversation.conversation_id = id;
  envelope.data.conversation.created_time = now;
  envelope.data.conversation.updated_time = now;
  for (const message of envelope.data.conversation.messages ?? []) {
    message.conversation_id = id;
    message.id = `${id}-m`;
    message.created_time = now;
  }
  envelope.timestamp = Date.now();
  return JSON.stringify(envelope);
}
