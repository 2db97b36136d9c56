/**
 * Hand-written conversation histories as the envelopes Freshchat would send: a create, then one
 * update per step with the new snapshot and `changes.model_changes` from the previous state.
 * Names travel in `associations` (channel, group, agent), as in real payloads; an entity left out
 * of `NAMES` is never named, so the dashboard falls back to its id.
 */
export const NAMES: Record<string, { name: string } | { first_name: string; last_name: string }> = {
  'c-web': { name: 'Web chat' },
  'c-wa': { name: 'WhatsApp line' },
  'g-sales': { name: 'Sales' },
  'g-support': { name: 'Support' },
  'a-ann': { first_name: 'Ann', last_name: 'Lee' },
  'a-bob': { first_name: 'Bob', last_name: 'Roy' },
};

type State = { status: string; group: string | null; agent: string | null };
type Step = Partial<State> & { at: string };

export function conversationStory(id: string, channel: string, createdAt: string, steps: Step[], source = 'WEB'): Record<string, unknown>[] {
  let state: State = { status: 'new', group: null, agent: null };
  const envelope = (event: string, at: string, changes: Record<string, [string | null, string | null]> | null) => ({
    event,
    account_id: 'acc-test',
    timestamp: Date.parse(at),
    data: {
      actor: { id: 'system', type: 'system' },
      associations: {
        channel: { id: channel, ...NAMES[channel] },
        ...(state.group && NAMES[state.group] ? { group: { id: state.group, ...NAMES[state.group] } } : {}),
        ...(state.agent && NAMES[state.agent] ? { agent: { id: state.agent, ...NAMES[state.agent] } } : {}),
      },
      conversation: {
        conversation_id: id,
        channel_id: channel,
        source,
        created_time: createdAt,
        updated_time: at,
        status: state.status,
        assigned_group_id: state.group,
        assigned_agent_id: state.agent,
      },
      ...(changes ? { changes: { model_changes: changes } } : {}),
    },
  });
  const envelopes = [envelope('onConversationCreate', createdAt, null)];
  for (const { at, ...change } of steps) {
    const next = { ...state, ...change };
    const changes: Record<string, [string | null, string | null]> = {};
    if (next.status !== state.status) changes.status = [state.status, next.status];
    if (next.group !== state.group) changes.assigned_group_id = [state.group, next.group];
    if (next.agent !== state.agent) changes.assigned_agent_id = [state.agent, next.agent];
    state = next;
    envelopes.push(envelope('onConversationUpdate', at, changes));
  }
  return envelopes;
}

/**
 * Four conversations, 2026-03-01 … 2026-03-04 (UTC), the working of every expected figure in
 * tests/queries/assignment-flows.test.ts and transitions.test.ts starts from this list.
 *
 * C1 web, created 03-02 09:00: 09:10 → Sales/Ann (assigned); 10:00 Ann → Bob; 12:00 resolved;
 *    03-03 08:00 reopened (assigned); 03-03 10:00 resolved.            Now: web, Sales, Bob, resolved.
 * C2 web, created 03-02 11:00: 11:30 → Support/Cy (assigned; Cy is never named); 13:30 Support → Sales
 *    and Cy → Ann; 03-04 09:00 group and agent removed (new).           Now: web, no group, no agent, new.
 * C3 wa, created 03-03 15:00: 15:20 → Support/Bob (assigned); 16:20 Bob → Ann; 17:20 Ann removed (new).
 *                                                                       Now: wa, Support, no agent, new.
 * C4 wa, created 03-01 23:00: 03-02 08:00 → Sales/Bob (assigned).       Now: wa, Sales, Bob, assigned.
 */
export function marchStories(): Record<string, unknown>[] {
  return [
    ...conversationStory('C1', 'c-web', '2026-03-02T09:00:00.000Z', [
      { at: '2026-03-02T09:10:00.000Z', group: 'g-sales', agent: 'a-ann', status: 'assigned' },
      { at: '2026-03-02T10:00:00.000Z', agent: 'a-bob' },
      { at: '2026-03-02T12:00:00.000Z', status: 'resolved' },
      { at: '2026-03-03T08:00:00.000Z', status: 'assigned' },
      { at: '2026-03-03T10:00:00.000Z', status: 'resolved' },
    ]),
    ...conversationStory('C2', 'c-web', '2026-03-02T11:00:00.000Z', [
      { at: '2026-03-02T11:30:00.000Z', group: 'g-support', agent: 'a-cy', status: 'assigned' },
      { at: '2026-03-02T13:30:00.000Z', group: 'g-sales', agent: 'a-ann' },
      { at: '2026-03-04T09:00:00.000Z', group: null, agent: null, status: 'new' },
    ]),
    ...conversationStory(
      'C3',
      'c-wa',
      '2026-03-03T15:00:00.000Z',
      [
        { at: '2026-03-03T15:20:00.000Z', group: 'g-support', agent: 'a-bob', status: 'assigned' },
        { at: '2026-03-03T16:20:00.000Z', agent: 'a-ann' },
        { at: '2026-03-03T17:20:00.000Z', agent: null, status: 'new' },
      ],
      'WHATSAPP',
    ),
    ...conversationStory('C4', 'c-wa', '2026-03-01T23:00:00.000Z', [{ at: '2026-03-02T08:00:00.000Z', group: 'g-sales', agent: 'a-bob', status: 'assigned' }], 'WHATSAPP'),
  ];
}
