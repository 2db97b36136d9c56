import { filtersToSearchParams, type Filters } from '@/lib/filters/parse-filters';
import { dateTime } from '@/lib/format';
import { MAX_MATCHES, MIN_PREFIX, type FoundConversations } from '@/lib/queries/find-conversation';

/**
 * "Open a conversation by id": a plain GET form (no script needed) that sends `find` with the
 * page's filters and table order, so the conversation opens with the same range and timezone.
 * One match redirects (app/conversations/page.tsx); here is what is said otherwise.
 */
export function FindConversation({
  filters,
  keep,
  found,
  detailHref,
}: {
  filters: Filters;
  keep: Record<string, string>;
  found: FoundConversations | null;
  detailHref: (id: string) => string;
}) {
  const hidden = [...filtersToSearchParams(filters), ...Object.entries(keep)];
  return (
    <div className="find-conversation">
      <form action="/conversations" method="get" role="search">
        {hidden.map(([name, value], i) => (
          <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
        ))}
        <label>
          Open a conversation by id{' '}
          <input type="search" name="find" defaultValue={found?.query ?? ''} placeholder={`id, or its first ${MIN_PREFIX}+ characters`} autoComplete="off" spellCheck={false} />
        </label>{' '}
        <button type="submit">Open</button>
      </form>
      {found && found.query === '' && <p role="status">Type a conversation id, or its first {MIN_PREFIX} characters or more.</p>}
      {found && found.query !== '' && found.matches.length === 0 && (
        <p role="status" className="find-result">
          No conversation has the id <code>{found.query}</code>
          {found.query.length >= MIN_PREFIX ? ' or an id beginning with it' : ` (an id's beginning needs ${MIN_PREFIX} characters or more)`}. Ids are matched whatever the dates and
          filters; a conversation appears once one of its events has been received.
        </p>
      )}
      {found && found.matches.length > 1 && (
        <div role="status" className="find-result">
          <p>
            {found.more ? `More than ${MAX_MATCHES}` : found.matches.length} conversations have an id beginning with <code>{found.query}</code>
            {found.more ? `; the first ${MAX_MATCHES}, type more of the id to narrow them` : ''}:
          </p>
          <ul>
            {found.matches.map((match) => (
              <li key={match.id}>
                <a href={detailHref(match.id)}>{match.id}</a>
                <span className="muted">
                  {' '}
                  · created {dateTime(match.createdAt, filters.tz)} ({filters.tz}) · {match.status ?? 'no status'}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
