/**
 * Realistic, valid, all-distinct envelopes for the benchmark, made from the shared fixture stream
 * (`stream-60-conversations.ndjson`: 60 conversations, full envelopes with `associations` and
 * `iparams`, out of order, some exact duplicates).
 *
 * Each "copy" of the stream is the same 60 conversations' lives with fresh ids: every conversation
 * id and message id in it is replaced by a new UUID (consistently within the copy, so a copy's
 * updates still land on the conversation its create made). The duplicate lines of the fixture are
 * dropped first, so every envelope the factory hands out is a distinct event that the server
 * stores (accepted 1), never a duplicate (the cheaper path). Everything else is sent byte for
 * byte as in the fixture, `iparams` included, as a forwarder passing the envelope through would.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_FIXTURE =
  process.env.BENCH_FIXTURE ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'fixtures', 'stream-60-conversations.ndjson');

type Template = {
  /** The line split around the ids to rewrite: segments.length === slots.length + 1. */
  segments: string[];
  /** For each gap between segments, the index (into `ids`) of the id that goes there. */
  slots: number[];
};

export type EnvelopeFactoryInfo = {
  fixture: string;
  /** Lines in the fixture, and the distinct events among them (one copy of the stream). */
  fixtureLines: number;
  eventsPerCopy: number;
  conversationsPerCopy: number;
  /** Mean size of one envelope, in bytes (UTF-8). */
  meanEnvelopeBytes: number;
};

export class EnvelopeFactory {
  readonly info: EnvelopeFactoryInfo;
  private readonly templates: Template[];
  private readonly idCount: number;
  private fresh: string[] = [];
  private position = 0;
  private copies = 0;
  /** How many envelopes were handed out: all distinct events. */
  produced = 0;

  constructor(fixture = DEFAULT_FIXTURE) {
    const lines = fs
      .readFileSync(fixture, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');

    // Drop exact duplicates, the way the server recognises them (the payload without iparams).
    const seen = new Set<string>();
    const distinct: { line: string; envelope: any }[] = [];
    for (const line of lines) {
      const envelope = JSON.parse(line);
      const { iparams: _iparams, ...rest } = envelope;
      const key = JSON.stringify(rest);
      if (seen.has(key)) continue;
      seen.add(key);
      distinct.push({ line, envelope });
    }

    // Every conversation id and message id of the stream gets a slot.
    const ids: string[] = [];
    const slotOf = new Map<string, number>();
    const addId = (id: unknown) => {
      if (typeof id !== 'string' || id === '' || slotOf.has(id)) return;
      slotOf.set(id, ids.length);
      ids.push(id);
    };
    const conversationIds = new Set<string>();
    for (const { envelope } of distinct) {
      const conversation = envelope?.data?.conversation;
      if (typeof conversation?.conversation_id !== 'string') throw new Error(`${fixture}: an envelope without data.conversation.conversation_id`);
      conversationIds.add(conversation.conversation_id);
      addId(conversation.conversation_id);
      for (const message of conversation.messages ?? []) {
        addId(message?.id);
        addId(message?.conversation_id);
      }
    }
    const pattern = new RegExp(ids.map(escapeRegExp).join('|'), 'g');

    this.templates = distinct.map(({ line }) => {
      const segments: string[] = [];
      const slots: number[] = [];
      let last = 0;
      for (const match of line.matchAll(pattern)) {
        segments.push(line.slice(last, match.index));
        slots.push(slotOf.get(match[0])!);
        last = match.index! + match[0].length;
      }
      segments.push(line.slice(last));
      return { segments, slots };
    });
    this.idCount = ids.length;

    this.info = {
      fixture,
      fixtureLines: lines.length,
      eventsPerCopy: distinct.length,
      conversationsPerCopy: conversationIds.size,
      meanEnvelopeBytes: Math.round(distinct.reduce((sum, { line }) => sum + Buffer.byteLength(line), 0) / distinct.length),
    };
  }

  /** The next distinct envelope, as JSON text (one line). */
  next(): string {
    if (this.position === 0) {
      this.fresh = Array.from({ length: this.idCount }, () => randomUUID());
      this.copies += 1;
    }
    const template = this.templates[this.position]!;
    this.position = (this.position + 1) % this.templates.length;
    this.produced += 1;
    let out = template.segments[0]!;
    for (let i = 0; i < template.slots.length; i++) out += this.fresh[template.slots[i]!]! + template.segments[i + 1]!;
    return out;
  }

  /** `count` distinct envelopes, each a request body of its own (application/json). */
  bodies(count: number): Buffer[] {
    return Array.from({ length: count }, () => Buffer.from(this.next()));
  }

  /** `batches` NDJSON bodies of `size` distinct envelopes each (application/x-ndjson). */
  ndjsonBatches(batches: number, size: number): Buffer[] {
    return Array.from({ length: batches }, () => {
      const lines: string[] = new Array(size);
      for (let i = 0; i < size; i++) lines[i] = this.next();
      return Buffer.from(`${lines.join('\n')}\n`);
    });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
