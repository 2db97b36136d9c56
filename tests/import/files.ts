/** Building import files for the tests (and for measuring by hand: see generateLargeFile). */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { EnvelopeFactory } from '../../scripts/bench/events';
import { readFixture, streamLines } from '../helpers/fixtures';
import { npmScript } from '../helpers/npm-script';
import { ROOT } from '../helpers/server';
import { tempDir } from '../helpers/temp';

export const importDir = (label: string): string => tempDir(`import-${label}`);

/** A valid envelope of its own (fixture 03 on a fresh conversation), with `status` made a number: a validation rejection. */
export function invalidEnvelope(): string {
  const envelope = readFixture('03-onConversationUpdate.assigned-agent.json');
  envelope.data.conversation.conversation_id = 'import-test-invalid';
  for (const message of envelope.data.conversation.messages ?? []) message.conversation_id = 'import-test-invalid';
  envelope.data.conversation.status = 42;
  return JSON.stringify(envelope);
}

/**
 * The fixture stream (250 lines: 239 distinct events, 11 duplicates, 60 conversations) with
 * three malformed lines, one invalid envelope and a blank line mixed in. `lines` is the file's
 * content line by line; the expected problems carry their 1-based line numbers.
 */
export function streamWithProblems() {
  const stream = streamLines();
  const lines: string[] = [];
  const malformedLines: number[] = [];
  let rejectedLine = 0;
  stream.forEach((line, i) => {
    lines.push(line);
    if (i === 9) {
      lines.push('{"event": "onConversationUpdate", "data": {'); // cut short
      malformedLines.push(lines.length);
    }
    if (i === 99) {
      lines.push(invalidEnvelope());
      rejectedLine = lines.length;
    }
    if (i === 149) lines.push(''); // blank: skipped, not malformed
    if (i === 199) {
      lines.push('not json at all');
      malformedLines.push(lines.length);
      lines.push(line.slice(0, -1) + ',}'); // a trailing comma
      malformedLines.push(lines.length);
    }
  });
  return { lines, malformedLines, rejectedLine, text: `${lines.join('\n')}\n` };
}

/**
 * The JSON array version of the same events: the stream's 250 envelopes plus the invalid one
 * (malformed lines have no array equivalent). Pretty-printed, as exports often are.
 */
export function streamAsArray(): { text: string; rejectedItem: number; items: number } {
  const items: unknown[] = streamLines().map((line) => JSON.parse(line));
  const rejectedItem = 100;
  items.splice(rejectedItem, 0, JSON.parse(invalidEnvelope()));
  return { text: JSON.stringify(items, null, 2), rejectedItem, items: items.length };
}

export function writeFile(dir: string, name: string, text: string, options: { gzip?: boolean } = {}): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, options.gzip ? zlib.gzipSync(text) : text);
  return file;
}

/**
 * `count` distinct, valid envelopes (the fixture stream's distinct events, cloned with fresh
 * conversation and message ids, consistently within each copy: scripts/bench/events.ts), written
 * as a stream, NDJSON or a JSON array, optionally gzipped.
 */
export async function generateLargeFile(file: string, count: number, options: { gzip?: boolean; array?: boolean } = {}): Promise<EnvelopeFactory['info']> {
  const factory = new EnvelopeFactory();
  const out = fs.createWriteStream(file);
  const sink: NodeJS.WritableStream = options.gzip ? zlib.createGzip() : out;
  if (options.gzip) (sink as zlib.Gzip).pipe(out);
  const write = async (text: string) => {
    if (!sink.write(text)) await once(sink, 'drain');
  };
  if (options.array) await write('[\n');
  for (let i = 0; i < count; i++) {
    await write(`${factory.next()}${options.array ? (i < count - 1 ? ',\n' : '\n') : '\n'}`);
  }
  if (options.array) await write(']\n');
  sink.end();
  await once(out, 'close');
  return factory.info;
}

export type CliRun = { code: number | null; stdout: string; stderr: string };

/** Runs `npm run import -- ARGS`'s command in its own process. */
export function runImport(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const run = npmScript('import', args);
  const merged: Record<string, string | undefined> = { ...process.env, INGEST_TOKEN: undefined, ...run.env, ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  const child = spawn(run.command, run.args, {
    cwd: ROOT,
    env: merged as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The counts of the summary printed on stdout. */
export function summaryCounts(stdout: string): { accepted: number; duplicates: number; rejected: number; malformed: number } {
  const count = (label: string) => {
    const match = new RegExp(`^  ${label}:\\s+([\\d,]+)$`, 'm').exec(stdout);
    if (!match) throw new Error(`no "${label}" in the summary:\n${stdout}`);
    return Number(match[1]!.replace(/,/g, ''));
  };
  return { accepted: count('accepted'), duplicates: count('duplicates'), rejected: count('rejected'), malformed: count('malformed') };
}
