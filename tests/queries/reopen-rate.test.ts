/**
 * README, Status transitions: "Reopen rate = transitions out of `resolved` ÷ transitions into
 * `resolved`, both in the range; it can exceed 100 % when conversations resolved before the range
 * reopen in it". (The Overview has no rate: its "Reopened" tile counts conversations.) Here most
 * of the range's reopens are of conversations resolved before it, so the rate is 400 %: the figure,
 * and the page's tile, must say so rather than stop at 100 % or hide it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { percent } from '@/lib/format';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getTransitionMatrix, summarizeTransitions } from '@/lib/queries/transitions';
import { conversationStory } from '../helpers/conversation-story';
import { postEvents, startServer, tempDatabasePath, type TestServer } from '../helpers/server';

/*
 * Times UTC. The range is 2026-03-02 … 2026-03-03: [03-02 00:00, 03-04 00:00).
 *
 * R1 web, created 02-20 09:00: 09:10 → Sales/Ann (assigned); 02-25 10:00 resolved;
 *    03-02 08:00 reopened (assigned); 03-02 12:00 resolved; 03-03 09:00 reopened (assigned).  Now assigned.
 * R2 wa, created 02-21 10:00: 10:30 → Support/Bob (assigned); 02-26 11:00 resolved;
 *    03-03 14:00 reopened to new, Bob removed.                                            Now new.
 * R3 web, created 02-22 08:00: 08:30 → Sales/Ann (assigned); 02-27 09:00 resolved;
 *    03-03 16:00 reopened (assigned); 03-04 10:00 resolved (after the range).              Now resolved.
 * R4 web, created 02-23 08:00: 08:20 → Sales/Bob (assigned); 02-28 09:00 resolved;
 *    03-05 09:00 reopened (after the range).                                               Now assigned.
 *
 * In the range: resolved → assigned 3 (R1 twice, R3), resolved → new 1 (R2), assigned → resolved 1 (R1).
 * No creation (all in February), nothing of R4. Reopens 4, resolutions 1: rate 4 / 1 = 400 %.
 * Channel c-web: R1 and R3: reopens 3, resolutions 1 = 300 %.
 * Status assigned (current): R1 and R4: reopens 2, resolutions 1 = 200 %.
 */
const RANGE = 'from=2026-03-02&to=2026-03-03';
const at = (day: string, time: string) => `2026-${day}T${time}:00.000Z`;

function stories(): Record<string, unknown>[] {
  return [
    ...conversationStory('R1', 'c-web', at('02-20', '09:00'), [
      { at: at('02-20', '09:10'), group: 'g-sales', agent: 'a-ann', status: 'assigned' },
      { at: at('02-25', '10:00'), status: 'resolved' },
      { at: at('03-02', '08:00'), status: 'assigned' },
      { at: at('03-02', '12:00'), status: 'resolved' },
      { at: at('03-03', '09:00'), status: 'assigned' },
    ]),
    ...conversationStory(
      'R2',
      'c-wa',
      at('02-21', '10:00'),
      [
        { at: at('02-21', '10:30'), group: 'g-support', agent: 'a-bob', status: 'assigned' },
        { at: at('02-26', '11:00'), status: 'resolved' },
        { at: at('03-03', '14:00'), status: 'new', agent: null },
      ],
      'WHATSAPP',
    ),
    ...conversationStory('R3', 'c-web', at('02-22', '08:00'), [
      { at: at('02-22', '08:30'), group: 'g-sales', agent: 'a-ann', status: 'assigned' },
      { at: at('02-27', '09:00'), status: 'resolved' },
      { at: at('03-03', '16:00'), status: 'assigned' },
      { at: at('03-04', '10:00'), status: 'resolved' },
    ]),
    ...conversationStory('R4', 'c-web', at('02-23', '08:00'), [
      { at: at('02-23', '08:20'), group: 'g-sales', agent: 'a-bob', status: 'assigned' },
      { at: at('02-28', '09:00'), status: 'resolved' },
      { at: at('03-05', '09:00'), status: 'assigned' },
    ]),
  ];
}

const filters = (query: string): Filters => {
  const parsed = parseFilters(new URLSearchParams(query), Date.parse('2026-03-20T12:00:00Z'), 'UTC');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
};
const key = (cell: { from: string | null; to: string; transitions: number }) => `${cell.from ?? '∅'}→${cell.to}:${cell.transitions}`;

describe('a reopen rate above 100 %', () => {
  let db: Db;
  beforeAll(() => {
    db = openDatabase(tempDatabasePath('reopen-rate'));
    ingestEnvelopes(db, stories());
  });

  it('counts the reopens of conversations resolved before the range against the resolutions in it', () => {
    const cells = getTransitionMatrix(db, filters(RANGE));
    expect(cells.map(key).sort()).toEqual(['assigned→resolved:1', 'resolved→assigned:3', 'resolved→new:1']);
    expect(summarizeTransitions(cells)).toEqual({ transitions: 5, resolutions: 1, reopens: 4, reopenRate: 4 });
    expect(percent(4, 1)).toBe('400.0 %');
  });

  it('keeps the rate above 100 % under a channel filter (cached days) and a status filter (read from SQLite)', () => {
    expect(summarizeTransitions(getTransitionMatrix(db, filters(`${RANGE}&channel=c-web`)))).toEqual({ transitions: 4, resolutions: 1, reopens: 3, reopenRate: 3 });
    expect(summarizeTransitions(getTransitionMatrix(db, filters(`${RANGE}&status=assigned`)))).toEqual({ transitions: 3, resolutions: 1, reopens: 2, reopenRate: 2 });
  });
});

describe('the Status transitions page', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    // 19 events: R1 6, R2 4, R3 5, R4 4 (a create and one update a step).
    const loaded = await postEvents(server, JSON.stringify(stories()));
    expect(loaded.json).toEqual({ accepted: 19, duplicates: 0, rejected: [] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** The tile's figure: the value under its label (React splits text with `<!-- -->`). */
  const tile = (html: string, label: string) =>
    new RegExp(`<div class="label">${label}</div><div class="value">([^<]*)</div>`).exec(html.replaceAll('<!-- -->', ''))?.[1];

  it('shows the reopen rate as 400.0 %, with the reopens and resolutions it divides', async () => {
    const response = await fetch(`${server.url}/transitions?${RANGE}&tz=UTC`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(tile(html, 'Reopens')).toBe('4');
    expect(tile(html, 'Resolutions')).toBe('1');
    expect(tile(html, 'Reopen rate')).toBe('400.0 %');
  });
});
