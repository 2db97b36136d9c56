import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { conversations } from '../../db/schema';

/** The shortest beginning of an id looked up by prefix: the table shows ids cut to 8 characters. */
export const MIN_PREFIX = 6;
/** Matches listed when a beginning fits several conversations. */
export const MAX_MATCHES = 10;

export type FoundConversations = {
  query: string;
  /** In id order, with their creation and status, to tell apart ids that begin alike. */
  matches: { id: string; createdAt: number | null; status: string | null }[];
  more: boolean;
};

/**
 * Conversations whose id is `text` or, from MIN_PREFIX characters on, begins with it, whatever the
 * date range and filters: someone holding an id from Freshchat (or the start of one, as the
 * conversations table shows it) wants that conversation. A range on the primary key, so a lookup
 * reads a few index pages at any size. Ids are compared as stored (Freshchat's are lowercase UUIDs);
 * text that finds nothing is tried again in lower case, and the ellipsis the table writes after a
 * cut id ("c7495df9…", copied from it) is not part of the id.
 */
export function findConversations(db: Db, text: string): FoundConversations {
  const query = text.trim().replace(/(…|\.\.\.)$/, '').trimEnd();
  if (query === '') return { query, matches: [], more: false };
  const found = lookUp(db, query);
  return found.matches.length === 0 && query !== query.toLowerCase() ? { ...lookUp(db, query.toLowerCase()), query } : found;
}

function lookUp(db: Db, query: string): FoundConversations {
  const id = conversations.conversationId;
  // The range [query, next) holds exactly the ids beginning with query (the id equal to it first)
  // when byte order (SQLite's) and UTF-16 order (JavaScript's) agree: for printable ASCII, as ids
  // are. Anything else: exact only.
  const prefix = query.length >= MIN_PREFIX && /^[\x20-\x7e]+$/.test(query);
  const rows = db
    .select({ id, createdAt: conversations.createdAt, status: conversations.status })
    .from(conversations)
    .where(prefix ? and(gte(id, query), lt(id, nextPrefix(query))) : eq(id, query))
    .orderBy(asc(id))
    .limit(MAX_MATCHES + 1)
    .all();
  // An exact id wins over the longer ids it is the beginning of.
  if (rows[0]?.id === query) return { query, matches: rows.slice(0, 1), more: false };
  return { query, matches: rows.slice(0, MAX_MATCHES), more: rows.length > MAX_MATCHES };
}

/** The smallest string greater than every string that begins with `prefix` (printable ASCII: its last character plus one). */
function nextPrefix(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
