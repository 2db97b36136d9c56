import { SortHeader } from '@/components/conversations/sort-header';
import { dateTime, hours } from '@/lib/format';
import type { ConversationListRow } from '@/lib/queries/conversation-list';
import type { SortDirection, SortKey } from '@/lib/queries/conversation-list-params';

const COLUMNS: { key: SortKey; label: string; numeric?: boolean; firstDirection?: SortDirection; title?: string }[] = [
  { key: 'id', label: 'Conversation' },
  { key: 'created', label: 'Created', firstDirection: 'desc' },
  { key: 'status', label: 'Status' },
  { key: 'channel', label: 'Channel' },
  { key: 'group', label: 'Group' },
  { key: 'agent', label: 'Agent' },
  { key: 'source', label: 'Source' },
  { key: 'firstResponse', label: 'First response', numeric: true, firstDirection: 'desc' },
  { key: 'resolution', label: 'Resolution', numeric: true, firstDirection: 'desc' },
  { key: 'reopens', label: 'Reopens', numeric: true, firstDirection: 'desc' },
  { key: 'reassignments', label: 'Reassigned', numeric: true, firstDirection: 'desc' },
  { key: 'updated', label: 'Updated', firstDirection: 'desc' },
];

/** A name from a payload (as text), or the id when no name has been seen, or an en dash. */
function Named({ name, id }: { name: string | null; id: string | null }) {
  if (id === null) return <span className="muted">–</span>;
  return <span title={id}>{name ?? id}</span>;
}

/** Business hours beside calendar hours, the way every page shows a statistic. */
function Hours({ business, calendar }: { business: number | null; calendar: number | null }) {
  if (business === null && calendar === null) return <span className="muted">–</span>;
  return (
    <span title="business hours / calendar hours">
      {hours(business)} <span className="muted">/ {hours(calendar)}</span>
    </span>
  );
}

/** The conversations table: sortable headers, ids linking to the detail page with the filters. */
export function ConversationTable({
  rows,
  tz,
  current,
  sortHref,
  detailHref,
}: {
  rows: ConversationListRow[];
  tz: string;
  current: { sort: SortKey; dir: SortDirection };
  sortHref: (sort: SortKey, dir: SortDirection) => string;
  detailHref: (conversationId: string) => string;
}) {
  return (
    <div className="table-wrap">
      {/* Cards at phone width (globals.css): a 12-column table showed only id, time and status there. */}
      <table className="data conversations cards">
        <caption className="visually-hidden">Conversations; select a column header to sort</caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <SortHeader key={column.key} column={column.key} label={column.label} current={current} href={sortHref} numeric={column.numeric} firstDirection={column.firstDirection} />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.conversationId}>
              <td className="id full">
                <a href={detailHref(row.conversationId)} title={row.conversationId}>
                  {row.conversationId.length > 13 ? `${row.conversationId.slice(0, 8)}…` : row.conversationId}
                </a>
              </td>
              <td className="time" data-label="Created">
                {dateTime(row.createdAt, tz)}
              </td>
              <td data-label="Status">{row.status ?? '–'}</td>
              <td data-label="Channel">
                <Named name={row.channelName} id={row.channelId} />
              </td>
              <td data-label="Group">
                <Named name={row.groupName} id={row.groupId} />
              </td>
              <td data-label="Agent">
                <Named name={row.agentName} id={row.agentId} />
              </td>
              {/* FACEBOOK_MESSENGER may wrap at the underscore: the table fits 1280 px. */}
              {/* <wbr> rather than a zero-width space: a place to wrap that a copied cell does not carry. */}
              <td title={row.source ?? undefined} data-label="Source">
                {row.source === null ? '–' : row.source.split('_').flatMap((part, i, all) => (i < all.length - 1 ? [`${part}_`, <wbr key={i} />] : [part]))}
              </td>
              <td className="num full" data-label="First response">
                <Hours business={row.firstResponseBhrs} calendar={row.firstResponseChrs} />
              </td>
              <td className="num full" data-label="Resolution">
                <Hours business={row.resolutionBhrs} calendar={row.resolutionChrs} />
              </td>
              <td className="num" data-label="Reopens">
                {row.reopens}
              </td>
              <td className="num" data-label="Reassigned">
                {row.reassignments}
              </td>
              <td className="time" data-label="Updated">
                {dateTime(row.updatedAt, tz)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
