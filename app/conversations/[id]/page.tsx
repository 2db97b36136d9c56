import { notFound } from 'next/navigation';
import type { SearchParams } from '@/components/dashboard-page';
import { TimezoneSelect } from '@/components/filter-bar';
import { Timeline } from '@/components/conversations/timeline';
import { getDb } from '@/db/client';
import { STATISTIC_UNIT } from '@/lib/events/statistics';
import { FILTER_PARAMS } from '@/lib/filters/params';
import { asSearchParams, timezoneOf } from '@/lib/filters/parse-filters';
import { count, countOf, dateTime, hours } from '@/lib/format';
import { getConversationHistory, MAX_TIMELINE_EVENTS, type NamedRef } from '@/lib/queries/conversation-history';
import '../conversations.css';
import { decodeSegment } from '@/lib/server/url-segment';

export const dynamic = 'force-dynamic';

/**
 * The tab names the conversation, so several opened side by side tell apart. Next.js hands this
 * function the segment decoded already (the page below gets it encoded): decoding it again named
 * the conversation `a%2Fb` "a/b", and `100%` not at all.
 */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Conversation ${(await params).id}` };
}

const named = (ref: NamedRef) => (ref === null ? '–' : (ref.name ?? ref.id));
const statisticLabel = (name: string) => name.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
/** The list's own parameters, carried here by its links so that "Back" returns to the same rows. */
const LIST_PARAMS = [...FILTER_PARAMS, 'sort', 'dir', 'page'];

/**
 * One conversation: where it stands, its statistics, and its whole stored history. Of the
 * dashboard's filters only the timezone applies here (the times shown): the range, channel or
 * status of the list it was opened from say nothing about one conversation, so they are neither
 * shown as a filter bar nor able to hide the page when one of them is wrong; they ride along to
 * the link back to that list.
 */
export default async function ConversationPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const id = decodeSegment((await params).id);
  const query = await searchParams;
  const history = id === null ? null : getConversationHistory(getDb(), id);
  if (!history) notFound();
  const { tz, error } = timezoneOf(query);
  const { conversation: c, statistics } = history;
  const given = [...asSearchParams(query)];
  // The list's timezone, kept apart (`list_tz`) once another one is chosen here to read this
  // conversation's times: the way back returns to the same rows, whose range is days in the list's
  // timezone (reading the times in Kolkata moved a Los Angeles week's list by half a day).
  const listed = typeof query.list_tz === 'string' ? timezoneOf({ tz: query.list_tz }) : null;
  const listTz = listed && listed.error === null ? listed.tz : tz;
  return (
    <main id="main">
      <h1>Conversation {id}</h1>
      <p>
        <a href={backToList(given, listTz)}>← Back to the conversations</a>
      </p>
      <p className="exports">
        <a className="export" href={`/api/conversations/${encodeURIComponent(c.conversationId)}/history.csv`} download>
          Export its history (CSV)
        </a>
      </p>
      {error && (
        <p className="error" role="alert">
          {error.message}: times are shown in {tz}.
        </p>
      )}
      {/* Another timezone for the times shown; the rest of the link stays as it came. */}
      <form className="filters timezone-only" method="get">
        {given
          .filter(([name]) => name !== 'tz' && name !== 'list_tz')
          .map(([name, value], i) => (
            <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
          ))}
        <input type="hidden" name="list_tz" value={listTz} />
        <TimezoneSelect value={tz} />
        <button type="submit">Show</button>
      </form>
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
        <Item label="Stored" value={`${countOf(history.eventCount, 'event')} · ${countOf(history.messageCount, 'message')}`} />
      </dl>
      <h2>Statistics</h2>
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Statistics, as durations</caption>
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
      <p className="footnote">From the latest event that carried statistics (Freshchat sends them in {STATISTIC_UNIT}); – where Freshchat sent none.</p>
      <h2>Timeline</h2>
      <p className="footnote">
        Every stored event in the order it happened (not the order it arrived), with the status and assignment changes it made, and each message&apos;s
        metadata: who sent it, when, its type. Times in {tz}. Open “Raw event” to see the payload as stored, with contact details (emails, phone numbers)
        and what messages say or attach hidden on this page; <code>iparams</code> is never stored.
      </p>
      {history.truncated && (
        <p className="empty">
          Showing the first {count(MAX_TIMELINE_EVENTS)} of {count(history.eventCount)} stored events.
        </p>
      )}
      <Timeline entries={history.timeline} tz={tz} />
    </main>
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

/** The list this page was opened from, with its filters and order, naming its timezone when it carries anything (as the header's links do). */
function backToList(given: [string, string][], listTz: string): string {
  const params = new URLSearchParams(given.filter(([name]) => LIST_PARAMS.includes(name) && name !== 'tz'));
  if (params.size > 0 || given.some(([name]) => name === 'tz')) params.set('tz', listTz);
  return `/conversations?${params}`;
}
