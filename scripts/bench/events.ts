/**
 * Realistic, valid, all-distinct envelopes for the benchmark, made from the shared fixture stream
 * (`stream-60-conversations.ndjson`: 60 conversations, full envelopes with `associations` and
 * `iparams`, out of order, some exact duplicates).
 *
 * Each "copy" of the stream is the same 60 conversations' lives with fresh ids: every conversation
 * id and message id in it is replaced by a new UUID (consistently within the copy, so a copy's
 * updates still land on the conversation its create made). The duplicate lines of the fixture are
 * dropped first, so every envelope the factory hands out is a distinct event that the server
 * stores (accepted 1), never a duplicate (the cheaper path).
 *
 * Each copy is also the next stretch of time: its conversations' times (every ISO time from the
 * stream's first conversation on, and the envelopes' `timestamp`) move on by the stream's span
 * per copy, so that, as in a live feed, new events carry later times than the stored ones. (Until
 * 2026-11-27 every copy had the fixture's times, so the indexes that begin with a time took each
 * batch's rows at the same few hundred moments spread over the whole index: about a third of the
 * pages a batch wrote.) Entities' own times (groups' `created_at`, a channel's `updated_time`,
 * all before the stream) stay as they are, since a live feed repeats them. Everything else is
 * sent byte for byte as in the fixture, `iparams` included, as a forwarder passing the envelope
 * through would.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_FIXTURE =
  process.env.BENCH_FIXTURE ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'fixtures', 'stream-60-conversations.ndjson');

type Template = {
  /** The line split around the ids and times to rewrite: segments.length === slots.length + 1. */
  segments: string[];
  /** For each gap between segments, the index (into `ids`) of the id that goes there, or the time (ms) to move on and write there. */
  slots: (number | { ms: number; iso: boolean })[];
};

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const TIMES = '(?<=")\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z(?=")|(?<="timestamp": ?)\\d{13}';

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
  /** How far each copy's times move on from the copy before: the stream's span, in whole days. */
  private readonly span: number;
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
    const pattern = new RegExp(`${ids.map(escapeRegExp).join('|')}|${TIMES}`, 'g');
    // The stream's own time starts with its first conversation; what is earlier belongs to the entities.
    const start = Math.min(...distinct.map(({ envelope }) => Date.parse(envelope.data.conversation.created_time)).filter(Number.isFinite));
    let end = start;

    this.templates = distinct.map(({ line }) => {
      const segments: string[] = [];
      const slots: Template['slots'] = [];
      let last = 0;
      for (const match of line.matchAll(pattern)) {
        const text = match[0];
        let slot: Template['slots'][number];
        if (slotOf.has(text)) slot = slotOf.get(text)!;
        else {
          const iso = ISO_TIME.test(text);
          const ms = iso ? Date.parse(text) : Number(text);
          if (ms < start) continue;
          end = Math.max(end, ms);
          slot = { ms, iso };
        }
        segments.push(line.slice(last, match.index));
        slots.push(slot);
        last = match.index! + text.length;
      }
      segments.push(line.slice(last));
      return { segments, slots };
    });
    this.idCount = ids.length;
    const DAY = 86_400_000;
    this.span = Math.ceil((end - start + 1) / DAY) * DAY;

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
    const shift = (this.copies - 1) * this.span;
    let out = template.segments[0]!;
    for (let i = 0; i < template.slots.length; i++) {
      const slot = template.slots[i]!;
      const text = typeof slot === 'number' ? this.fresh[slot]! : slot.iso ? new Date(slot.ms + shift).toISOString() : String(slot.ms + shift);
      out += text + template.segments[i + 1]!;
    }
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
