/**
 * What of a stored payload is shown on the conversation page's "Raw event" panel. The raw event is
 * kept whole (ingest stores it as received, minus `iparams`), but the panel is read by anyone
 * who can see the dashboard, and the product is about the handling of conversations, not their
 * content: so contact details (any `email` or `phone`, the customer's above all) and what was
 * written or sent (a message part's `content`, and the `url` of its image or file) are replaced
 * by a note of their length. Names stay: the timeline names who acted.
 */
const HIDDEN_KEYS = new Set(['email', 'phone']);
const MESSAGE_PART_KEYS = new Set(['content', 'url']);

export function withoutPersonalData(value: unknown, inMessagePart = false): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutPersonalData(item, inMessagePart));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' && item !== '' && (HIDDEN_KEYS.has(key) || (inMessagePart && MESSAGE_PART_KEYS.has(key)))) {
      out[key] = hidden(item);
    } else {
      out[key] = withoutPersonalData(item, inMessagePart || key === 'message_parts');
    }
  }
  return out;
}

const hidden = (text: string) => `(hidden: ${text.length} character${text.length === 1 ? '' : 's'})`;
