import { notFound } from 'next/navigation';
import { DashboardPage, type SearchParams } from '@/components/dashboard-page';
import { Timeline } from '@/components/conversations/timeline';
import { STATISTIC_UNIT } from '@/lib/events/statistics';
import { filtersToSearchParams, type Filters } from '@/lib/filters/parse-filters';
import { count, dateTime, hours } from '@/lib/format';
import { getConversationHistory, MAX_TIMELINE_EVENTS, type NamedRef } from '@/lib/queries/conversation-history';
import { listParamsToEntries, parseListParams } from '@/lib/queries/conversation-list-params';
import '../conversations.css';

export const dynamic = 'force-dynamic';

/** The tab names the conversation, so several opened side by side tell apart. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Conversation ${decodeSegment((await params).id) ?? ''}` };
}

const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
const named = (ref: NamedRef) => (ref === null ? '–' : (ref.name ?? ref.id));
const statisticLabel = (name: string) => name.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());

/** One conversation: where it stands, its statistics, and its whole stored history. */
export default async function ConversationPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const id = decodeSegment((await params).id);
  const query = await searchParams;
  return (
    <DashboardPage title={`Conversation ${id ?? ''}`} path={`/conversations/${encodeURIComponent(id ?? '')}`} searchParams={searchParams}>
      {({ db, filters }) => {
        const history = id === null ? null : getConversationHistory(db, id);
        if (!history) notFound();
        const { conversation: c, statistics } = history;
        const tz = filters.tz;
        return (
          <>
            <p>
              <a href={backLink(filters, query)}>← Back to the conversations</a>
            </p>
            <dl className="detail-head">
              <Item label="Status" value={c.status ?? '–'} />
              <Item label="Channel" value={named(history.channel)} />
              <Item label="Group" value={named(history.group)} />
              <Item label="Agent" value={named(history.agent)} />
              <Item label="Source" value={c.source ?? '–'} />
              <Item label={`Created (${tz})`} value={dateTime(c.createdAt, tz)} />
              <Item label={`Resolved (${tz})`} value={dateTime(c.resolvedAt, tz)} />
              <Item label={`Last updated (${tz})`} value={dateTime(c.updatedAt, tz)} />
              <Item label="Reopens" value={count(c.reopenCount)} />
              <Item label="Reassignments" value={`${count(c.agentReassignmentCount)} agent · ${count(c.groupReassignmentCount)} group`} />
              <Item label="Unassignments" value={count(c.unassignmentCount)} />
              <Item label="Stored" value={`${plural(history.eventCount, 'event')} · ${plural(history.messageCount, 'message')}`} />
            </dl>
            <h2>Statistics</h2>
            <div className="table-wrap">
              <table className="data">
                <caption className="visually-hidden">Statistics in {STATISTIC_UNIT}</caption>
                <thead>
                  <tr>
                    <th scope="col">Statistic</th>
                    <th scope="col" className="num">Business hours</th>
                    <th scope="col" className="num">Calendar hours</th>
                  </tr>
                </thead>
                <tbody>
                  {statistics.map((s) => (
                    <tr key={s.name}>
                      <th scope="row">{statisticLabel(s.name)}</th>
                      <td className="num">{hours(s.business)}</td>
                      <td className="num">{hours(s.calendar)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="footnote">From the latest event that carried statistics; – where Freshchat sent none.</p>
            <h2>Timeline</h2>
            <p className="footnote">
              Every stored event in the order it happened (not the order it arrived), with the status and assignment changes it made, and each message&apos;s
              metadata (no message text is stored). Times in {tz}. Open “Raw event” to see the payload as stored (without <code>iparams</code>, which is never stored).
            </p>
            {history.truncated && (
              <p className="empty">
                Showing the first {count(MAX_TIMELINE_EVENTS)} of {count(history.eventCount)} stored events.
              </p>
            )}
            <Timeline entries={history.timeline} tz={tz} />
          </>
        );
      }}
    </DashboardPage>
  );
}

function Item({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/**
 * Next.js hands dynamic segments to pages still percent-encoded (`a%20b` for `a b`; see
 * vercel/next.js#48058), so the id is decoded here, once. A segment that cannot be decoded is no
 * stored id (null: the page answers 404).
 */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The table this conversation was opened from: its filters, and its order and page when the link carried them. */
function backLink(filters: Filters, params: Awaited<SearchParams>): string {
  const listed = params.sort || params.dir || params.page ? parseListParams(params) : null;
  const entries = listed?.ok ? Object.entries(listParamsToEntries(listed.params)) : [];
  return `/conversations?${new URLSearchParams([...filtersToSearchParams(filters), ...entries])}`;
}
