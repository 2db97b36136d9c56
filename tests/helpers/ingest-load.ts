import { EnvelopeFactory } from '../../scripts/bench/events';
import { toStoredEvent } from '@/lib/events/stored-event';
import { validateEnvelope } from '@/lib/events/validate';
import { TEST_TOKEN } from './server';

/** The key the server stores an envelope under (lib/events/stored-event.ts), to check it was stored once. */
export function dedupeKeyOf(line: string): string {
  const raw = JSON.parse(line) as Record<string, unknown>;
  const result = validateEnvelope(raw);
  if (!result.ok) throw new Error(`generated an invalid envelope: ${JSON.stringify(result.issues)}`);
  return toStoredEvent(raw, result.envelope, 0).dedupeKey;
}

export type BatchOutcome =
  | { kind: 'acknowledged'; status: number; accepted: number; duplicates: number }
  | { kind: 'refused'; status: number; error: string }
  | { kind: 'network'; error: string };

/** POSTs one NDJSON batch; a network failure (the server killed mid-request) is an outcome, not an exception. */
export async function postBatch(url: string, lines: string[]): Promise<BatchOutcome> {
  try {
    const response = await fetch(`${url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TEST_TOKEN}` },
      body: lines.join('\n'),
    });
    const text = await response.text();
    if (response.status === 200) {
      const json = JSON.parse(text);
      return { kind: 'acknowledged', status: 200, accepted: json.accepted, duplicates: json.duplicates };
    }
    return { kind: 'refused', status: response.status, error: text.slice(0, 300) };
  } catch (error) {
    return { kind: 'network', error: String((error as Error).cause ?? error) };
  }
}

/** Distinct, valid events (fresh ids over the fixture stream's conversations), with their dedupe keys. */
export class EventSource {
  private readonly factory = new EnvelopeFactory();
  batch(size: number): { lines: string[]; keys: string[] } {
    const lines = Array.from({ length: size }, () => this.factory.next());
    return { lines, keys: lines.map(dedupeKeyOf) };
  }
}

/** Counts of outcomes, by kind and status or error message. */
export class Tally {
  readonly counts = new Map<string, number>();
  add(outcome: BatchOutcome, events: number): void {
    const key = outcome.kind === 'acknowledged' ? 'acknowledged' : outcome.kind === 'refused' ? `refused ${outcome.status}: ${outcome.error.slice(0, 80)}` : `network: ${outcome.error.slice(0, 80)}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + events);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
