/** Progress output: plain lines when stderr is not a terminal, a cli-progress bar when it is. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '@/lib/import/progress';

/** A stream that keeps what is written; a "terminal" when isTTY. */
function capture(isTTY: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      done();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  stream.isTTY = isTTY;
  stream.columns = 120;
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('plain progress (not a TTY)', () => {
  it('writes a line at most every 2 s: events, rate, share of the file', () => {
    let now = 0;
    const out = capture(false);
    const progress = createProgress({ totalBytes: 1000, stream: out.stream, now: () => now });
    now = 1000;
    progress.update({ events: 10_000, bytesRead: 100 });
    expect(out.text()).toBe('');
    now = 2000;
    progress.update({ events: 30_000, bytesRead: 420 });
    now = 3000;
    progress.update({ events: 45_000, bytesRead: 600 });
    now = 4000;
    progress.update({ events: 60_000, bytesRead: 800 });
    progress.log('a retry');
    progress.stop();
    expect(out.text()).toBe('imported 30,000 events (15,000/s), 42% of file\nimported 60,000 events (15,000/s), 80% of file\na retry\n');
  });
});

describe('progress bar (a TTY)', () => {
  it('shows events, rate, share and ETA, and lets messages through', () => {
    let now = 0;
    const out = capture(true);
    const progress = createProgress({ totalBytes: 1000, stream: out.stream, now: () => now });
    now = 2000;
    progress.update({ events: 1_500, bytesRead: 250 });
    progress.log('retrying in 1 s');
    progress.stop();
    const screen = out.text();
    expect(screen).toMatch(/importing \[.*\] 25% \| 1,500 events \| 750 events\/s \| ETA /);
    expect(screen).toContain('retrying in 1 s\n');
  });
});
