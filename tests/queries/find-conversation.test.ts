import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { findConversations, MAX_MATCHES, type FoundConversations } from '@/lib/queries/find-conversation';
import { createEvent } from '../helpers/envelopes';
import { streamLines } from '../helpers/fixtures';
import { tempDatabasePath } from '../helpers/server';

const FIRST = 'e9a3788d-cafd-4d7e-bc6f-6237b466120d';
const ids = (found: FoundConversations) => found.matches.map((match) => match.id);

describe('finding a conversation by id or by the beginning of its id', () => {
  let db: Db;
  beforeAll(() => {
    db = openDatabase(tempDatabasePath('find-conversation'));
    ingestEnvelopes(db, streamLines().map((line) => JSON.parse(line) as unknown));
    const created = (id: string) => createEvent(id, { createdAt: '2025-01-01T10:00:00Z' });
    // 12 ids sharing a beginning (more than a page of matches), an id that begins another, and ids with neighbours just outside the range.
    ingestEnvelopes(db, [
      ...Array.from({ length: 12 }, (_, i) => created(`shared-${String(i).padStart(2, '0')}`)),
      created('shared-'),
      created('sharee-1'),
      created('sharec-1'),
      created('twin-1'),
      created('twin-10'),
      created('twin-1x'),
      created('café-1'),
      created('café-12'),
      created('crème-brûlée-1'),
    ]);
  });

  it('finds an exact id, and a unique beginning of one, whatever the range', () => {
    expect(findConversations(db, FIRST)).toMatchObject({ query: FIRST, matches: [{ id: FIRST }], more: false });
    expect(findConversations(db, `  ${FIRST.slice(0, 8)} `)).toMatchObject({ query: FIRST.slice(0, 8), matches: [{ id: FIRST }], more: false });
    // As the table shows it, ellipsis included; in capitals (Freshchat's ids are lower case).
    for (const typed of [`${FIRST.slice(0, 8)}…`, `${FIRST.slice(0, 8)}...`, FIRST.slice(0, 8).toUpperCase(), FIRST.toUpperCase()]) {
      expect(ids(findConversations(db, typed)), typed).toEqual([FIRST]);
    }
    // With what tells matches apart: when created, and the status.
    expect(findConversations(db, FIRST).matches).toEqual([{ id: FIRST, createdAt: Date.parse('2026-10-05T11:48:34.823Z'), status: expect.any(String) }]);
  });

  it('lists several matches in id order, at most a page of them, and says when there are more', () => {
    const found = findConversations(db, 'shared-0');
    expect(ids(found)).toEqual(Array.from({ length: 10 }, (_, i) => `shared-${String(i).padStart(2, '0')}`));
    expect(found.more).toBe(false);
    const many = findConversations(db, 'shared');
    expect(ids(many)).toHaveLength(MAX_MATCHES);
    expect(ids(many)[0]).toBe('shared-');
    expect(many.more).toBe(true);
    // Neighbours in id order that do not begin with the text are never matched.
    expect(ids(many).some((id) => id.startsWith('sharee') || id.startsWith('sharec'))).toBe(false);
  });

  it('prefers an exact id over the longer ids it begins', () => {
    expect(ids(findConversations(db, 'twin-1'))).toEqual(['twin-1']);
    expect(ids(findConversations(db, 'twin-1x'))).toEqual(['twin-1x']);
  });

  it('needs 6 characters before matching beginnings, and matches other text exactly only', () => {
    expect(ids(findConversations(db, FIRST.slice(0, 5)))).toEqual([]);
    expect(ids(findConversations(db, 'twin-'))).toEqual([]);
    expect(ids(findConversations(db, 'café-1'))).toEqual(['café-1']);
    expect(ids(findConversations(db, 'café-'))).toEqual([]);
    // Beyond printable ASCII, byte order and JavaScript's differ: exact ids only.
    expect(ids(findConversations(db, 'crème-brûlée'))).toEqual([]);
    expect(ids(findConversations(db, 'crème-brûlée-1'))).toEqual(['crème-brûlée-1']);
    expect(findConversations(db, '   ')).toEqual({ query: '', matches: [], more: false });
    expect(ids(findConversations(db, "shared' or 1=1 --"))).toEqual([]);
  });
});
