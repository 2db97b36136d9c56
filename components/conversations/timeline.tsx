import { dateTime, hours } from '@/lib/format';
import type { Actor, EventEntry, MessageEntry, NamedRef, TimelineEntry } from '@/lib/queries/conversation-history';

const named = (ref: NamedRef) => (ref === null ? 'nobody' : (ref.name ?? ref.id));

function ActorText({ actor }: { actor: Actor }) {
  if (!actor) return null;
  const who = actor.name ?? actor.id ?? 'unknown';
  return (
    <span className="muted">
      {' '}
      by {who}
      {actor.type ? ` (${actor.type})` : ''}
    </span>
  );
}

/** Time with seconds: events of one conversation often fall within the same minute. */
function When({ at, tz, after = null }: { at: number | null; tz: string; after?: number | null }) {
  if (at === null) return <span className="when">time unknown</span>;
  const seconds = String(Math.floor((at / 1000) % 60)).padStart(2, '0');
  // How long since the step before: how long it waited, at a glance.
  const gap = after === null || at <= after ? null : hours((at - after) / 3_600_000);
  return (
    <time className="when" dateTime={new Date(at).toISOString()}>
      {dateTime(at, tz)}:{seconds}
      {gap && <span className="gap" title="since the step before"> (+{gap})</span>}
    </time>
  );
}

function EventItem({ entry, tz, after }: { entry: EventEntry; tz: string; after: number | null }) {
  return (
    <li className="event" data-event-id={entry.eventId}>
      <When at={entry.at} tz={tz} after={after} />
      <span className="kind">{entry.event === 'onConversationCreate' ? 'Created' : 'Updated'}</span>
      <ActorText actor={entry.actor} />
      <span className="muted"> · {entry.event}</span>
      {(entry.statusChange || entry.assignmentChanges.length > 0) && (
        <ul className="changes">
          {entry.statusChange && (
            <li>
              status: {entry.statusChange.from ?? '(none)'} → <strong>{entry.statusChange.to}</strong>
              {entry.statusChange.from === 'resolved' && entry.statusChange.to !== 'resolved' ? ' (reopened)' : ''}
            </li>
          )}
          {entry.assignmentChanges.map((change) => (
            <li key={change.kind}>
              {change.kind}: {named(change.from)} → <strong>{named(change.to)}</strong>
              {change.to === null ? ' (unassigned)' : ''}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>
          Raw event #{entry.eventId} · received <When at={entry.receivedAt} tz={tz} />
        </summary>
        <pre>{entry.payload}</pre>
      </details>
    </li>
  );
}

function MessageItem({ entry, tz, after }: { entry: MessageEntry; tz: string; after: number | null }) {
  const flags = [
    entry.isFirstMessage && 'first message',
    entry.isAgentFirstResponse && 'agent first response',
    entry.isAgentInterimFirstResponse && 'interim first response',
  ].filter((flag): flag is string => typeof flag === 'string');
  return (
    <li className="message">
      <When at={entry.at} tz={tz} after={after} />
      <span className="kind">Message</span>
      <span className="muted">
        {' '}
        from {entry.actorType ?? 'unknown'}
        {entry.sender ? ` ${named(entry.sender)}` : ''}
        {entry.messageType ? ` · ${entry.messageType}` : ''}
        {entry.messageSource ? ` · via ${entry.messageSource}` : ''}
      </span>
      {flags.length > 0 && (
        <span className="flags">
          {flags.map((flag) => (
            <span key={flag} className="flag">
              {flag}
            </span>
          ))}
        </span>
      )}
    </li>
  );
}

/** Stored events (with the changes they made) and message metadata, oldest first. No message text. */
export function Timeline({ entries, tz }: { entries: TimelineEntry[]; tz: string }) {
  let previous: number | null = null;
  return (
    <ol className="timeline">
      {entries.map((entry) => {
        // The entries are in time order: the last one with a time is the step before.
        const after = previous;
        if (entry.at !== null) previous = entry.at;
        return entry.kind === 'event' ? (
          <EventItem key={`e${entry.eventId}`} entry={entry} tz={tz} after={after} />
        ) : (
          <MessageItem key={`m${entry.id}`} entry={entry} tz={tz} after={after} />
        );
      })}
    </ol>
  );
}
