import { describe, expect, it } from 'vitest';
import { generateEvents } from '@/lib/demo/generator';
import { validateEnvelope } from '@/lib/events/validate';
import { FIXTURE_FILES, readFixture, streamLines } from '../helpers/fixtures';

const base = () => readFixture('03-onConversationUpdate.assigned-agent.json');
const issuesOf = (mutate: (e: any) => void) => {
  const envelope = base();
  mutate(envelope);
  const result = validateEnvelope(envelope);
  return result.ok ? [] : result.issues;
};

describe('validateEnvelope', () => {
  it('accepts every fixture and every line of the stream', () => {
    for (const file of FIXTURE_FILES) expect(validateEnvelope(readFixture(file)).ok, file).toBe(true);
    for (const line of streamLines()) expect(validateEnvelope(JSON.parse(line)).ok).toBe(true);
  });

  it.each([
    ['a wrong type', (e: any) => (e.data.conversation.status = 5), 'data.conversation.status', 'expected string, got number'],
    ['a missing conversation id', (e: any) => delete e.data.conversation.conversation_id, 'data.conversation.conversation_id', 'required: expected string'],
    ['an empty conversation id', (e: any) => (e.data.conversation.conversation_id = ''), 'data.conversation.conversation_id', 'must not be empty'],
    ['a blank conversation id', (e: any) => (e.data.conversation.conversation_id = ' \t '), 'data.conversation.conversation_id', 'must not be blank, got " \\t "'],
    ['a conversation id that is a path step', (e: any) => (e.data.conversation.conversation_id = '..'), 'data.conversation.conversation_id', 'must not be "." or ".."'],
    ['an unknown event', (e: any) => (e.event = 'onTicketCreate'), 'event', 'expected one of "onConversationCreate", "onConversationUpdate", got "onTicketCreate"'],
    ['an event that is an object', (e: any) => (e.event = { name: 'onConversationCreate' }), 'event', 'expected one of "onConversationCreate", "onConversationUpdate", got object'],
    ['a hostile nesting depth', (e: any) => (e.data.conversation.custom = JSON.parse('{"a":'.repeat(70) + '1' + '}'.repeat(70))), 'data.conversation.custom', 'nested deeper than 64 levels'],
    ['a missing event', (e: any) => delete e.event, 'event', 'required: expected one of "onConversationCreate", "onConversationUpdate"'],
    ['a null data', (e: any) => (e.data = null), 'data', 'expected object, got null'],
    ['a missing conversation', (e: any) => delete e.data.conversation, 'data.conversation', 'required: expected object'],
    ['a timestamp that is not ISO 8601', (e: any) => (e.data.conversation.created_time = 'yesterday'), 'data.conversation.created_time', 'expected an ISO 8601 timestamp such as 2026-10-12T00:46:08.981Z, got "yesterday"'],
    ['an envelope timestamp beyond any date', (e: any) => (e.timestamp = 1e300), 'timestamp', 'expected epoch milliseconds from 0 to 253402300799999 (9999-12-31), got 1e+300'],
    ['a negative envelope timestamp', (e: any) => (e.timestamp = -1e20), 'timestamp', 'expected epoch milliseconds from 0 to 253402300799999 (9999-12-31), got -100000000000000000000'],
    ['a fractional capacity', (e: any) => (e.data.associations.agent.max_active_conv = 2.5), 'data.associations.agent.max_active_conv', 'expected integer, got 2.5'],
    ['a flag sent as a string', (e: any) => (e.data.conversation.messages[0].is_first_message = 'yes'), 'data.conversation.messages[0].is_first_message', 'expected boolean, got string'],
    ['a change that is not a pair', (e: any) => (e.data.changes.model_changes.status = ['new']), 'data.changes.model_changes.status', 'expected an [old, new] pair of strings or nulls'],
    ['a statistic sent as a string', (e: any) => (e.data.conversation.statistics = { resolution_time_bhrs: '3' }), 'data.conversation.statistics.resolution_time_bhrs', 'expected number, got string'],
    ['messages that are not a list', (e: any) => (e.data.conversation.messages = {}), 'data.conversation.messages', 'expected array, got object'],
  ])('names the field for %s', (_name, mutate, path, message) => {
    expect(issuesOf(mutate)).toEqual([{ path, message }]);
  });

  it('accepts null where the platform sends it, and keeps unknown fields', () => {
    expect(
      issuesOf((e) => {
        e.data.conversation.status = null;
        e.data.conversation.assigned_agent_id = null;
        e.data.associations.agent = null;
        e.data.changes = null;
        e.data.conversation.brand_new_field = { anything: [1, 2] };
      }),
    ).toEqual([]);
    const envelope = base();
    envelope.data.conversation.brand_new_field = 'kept';
    const result = validateEnvelope(envelope);
    expect(result.ok && (result.envelope.data.conversation as Record<string, unknown>).brand_new_field).toBe('kept');
  });

  it('accepts an envelope timestamp with a fraction of a millisecond, and every event the demo generator writes', () => {
    expect(issuesOf((e) => (e.timestamp = 1764000000000.5))).toEqual([]);
    const events = [...generateEvents({ seed: 21, days: 3, conversationsPerDay: 30, end: Date.parse('2026-03-31T12:00:00Z') })];
    expect(events.filter((event) => !validateEnvelope(event).ok)).toEqual([]);
  });

  it('draws the nesting limit at exactly 64 levels, through objects and arrays alike', () => {
    // The envelope is level 1 and data.conversation level 3: `custom` holding a chain of n more levels.
    const chain = (levels: number, open: string, close: string) => JSON.parse(open.repeat(levels) + '1' + close.repeat(levels));
    for (const [open, close] of [['{"a":', '}'], ['[', ']']]) {
      expect(issuesOf((e) => (e.data.conversation.custom = chain(61, open!, close!)))).toEqual([]);
      expect(issuesOf((e) => (e.data.conversation.custom = chain(62, open!, close!)))).toEqual([
        { path: 'data.conversation.custom', message: 'nested deeper than 64 levels' },
      ]);
    }
  });

  it('rejects what is not an envelope at all', () => {
    for (const value of ['text', 42, null, [], true]) {
      const result = validateEnvelope(value);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.issues[0]).toMatchObject({ path: '(envelope)' });
    }
  });

  it('reports several problems at once, but a bounded number', () => {
    const envelope = base();
    envelope.data.conversation.messages = Array.from({ length: 100 }, () => ({ id: 7 }));
    const result = validateEnvelope(envelope);
    expect(!result.ok && result.issues.length).toBe(20);
  });
});
