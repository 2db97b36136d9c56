import { DashboardPage, WhenComputed, type SearchParams } from '@/components/dashboard-page';
import { LoadChart } from '@/components/charts/load-chart';
import { Tile } from '@/components/tile';
import { count } from '@/lib/format';
import { getAgentsNow, getGroupsNow, TOP_AGENTS, type LoadOverTime as LoadOverTimeFigures } from '@/lib/queries/agent-load';
import { filtersToSearchParams, type Filters } from '@/lib/filters/parse-filters';
import { figure } from '@/lib/server/figure-threads';
import { HOURLY_MAX_DAYS } from '@/lib/queries/load-timeline';
import { pageTitle } from '@/lib/pages';

export const dynamic = 'force-dynamic';

export const metadata = { title: pageTitle('agents') };

const availabilityText = (a: { availability: string | null; loggedIn: boolean | null; deactivated: boolean }) =>
  [a.deactivated ? 'deactivated' : null, a.availability?.toLowerCase() ?? null, a.loggedIn === null ? null : a.loggedIn ? 'logged in' : 'logged out']
    .filter(Boolean)
    .join(' · ') || 'unknown';

/**
 * How many agents each table lists unless `rows=all`: the most loaded first. A large team's two
 * full tables (128 agents each in the benchmark's million-conversation team) pushed the load chart
 * thousands of pixels down the page; every agent is one link away, and in agents.csv.
 */
export const AGENT_ROWS = 20;

/** Agent load: open conversations per agent now against capacity, per group now, and load over the range. */
export default async function AgentsPage({ searchParams }: { searchParams: SearchParams }) {
  const everyAgent = (await searchParams).rows === 'all';
  return (
    <DashboardPage
      streamed
      title="Agent load"
      path="/agents"
      searchParams={searchParams}
      reports={['agents', 'groups']}
      keep={everyAgent ? { rows: 'all' } : {}}
    >
      {({ db, filters, retry }) => {
        const rows = { every: everyAgent, query: filtersToSearchParams(filters).toString() };
        // The range on a figure thread, started first: the current state is read (a few ms) and
        // drawn here on the main thread meanwhile (WhenComputed).
        const loading = figure('loadOverTime', filters);
        const agents = getAgentsNow(db, filters);
        const groups = getGroupsNow(db, filters);
        const open = agents.reduce((sum, a) => sum + a.open, 0);
        const overloaded = agents.filter((a) => a.overloaded);
        const capacity = agents.reduce((sum, a) => sum + (a.deactivated ? 0 : (a.capacity ?? 0)), 0);
        const unassigned = groups.reduce((sum, g) => sum + g.unassigned, 0);
        return (
          <>
            <h2>Right now</h2>
            <p className="range">
              The current state: the date range does not apply here. Open = status <code>assigned</code> with this agent; capacity = the agent&apos;s{' '}
              <code>max_active_conv</code>. The status filter does not apply on this page (load is defined by status).
            </p>
            <div className="tiles">
              <Tile label="Open now" value={open} unit="conversations assigned" />
              <Tile label="Over capacity" value={overloaded.length} unit={`agents of ${count(agents.length)}`} />
              <Tile label="Capacity" value={capacity} unit="conversations (active agents)" />
              <Tile label="Unassigned now" value={unassigned} unit="conversations waiting" />
            </div>
            <h3>Open conversations per agent</h3>
            {agents.length === 0 ? (
              <p className="empty">{noAgentNow(filters)}</p>
            ) : (
              <div className="table-wrap">
                <table className="data cards agents-now">
                  <thead>
                    <tr>
                      <th>Agent</th>
                      <th className="num">Open now (conversations)</th>
                      <th className="num">Capacity (conversations)</th>
                      <th>Load</th>
                      <th>Availability</th>
                    </tr>
                  </thead>
                  <tbody>
                    {listed(agents, rows).map((a) => (
                      <tr key={a.id} className={a.overloaded ? 'overloaded' : undefined} data-agent={a.name}>
                        <td className="full">{a.name}</td>
                        <td className="num" data-label="Open now">
                          {count(a.open)}
                        </td>
                        <td className="num" data-label="Capacity">
                          {a.capacity === null ? '–' : count(a.capacity)}
                        </td>
                        <td className="full" data-label="Load">
                          <span>
                            <LoadBar open={a.open} capacity={a.capacity} />
                            {a.overloaded && <span className="marker">⚠ over capacity</span>}
                          </span>
                        </td>
                        <td className="full" data-label="Availability">{availabilityText(a)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <MoreAgents total={agents.length} rows={rows} which="most loaded (open conversations against capacity)" />
            <h3>Per group</h3>
            {groups.length === 0 ? (
              <p className="empty">{noGroupNow(filters)}</p>
            ) : (
              <div className="table-wrap">
                <table className="data cards groups-now">
                  <thead>
                    <tr>
                      <th>Group</th>
                      <th className="num">Open now (conversations)</th>
                      <th className="num">Unassigned in group (conversations)</th>
                      <th className="num">Agents</th>
                      <th className="num">Combined capacity (conversations)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {groups.map((g) => (
                      <tr key={g.id ?? '(none)'} data-group={g.name}>
                        <td className="full">{g.name}</td>
                        <td className="num" data-label="Open now">
                          {count(g.open)}
                        </td>
                        <td className="num" data-label="Unassigned">
                          {count(g.unassigned)}
                        </td>
                        <td className="num" data-label="Agents">
                          {count(g.agents)}
                        </td>
                        <td className="num" data-label="Capacity">
                          {g.capacity === null ? '–' : count(g.capacity)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <WhenComputed figures={loading} retry={retry}>
              {(load) => <LoadOverTime load={load} filters={filters} rows={rows} />}
            </WhenComputed>
          </>
        );
      }}
    </DashboardPage>
  );
}

/** "6 agents with the highest peak are drawn", or "1 agent … is drawn" when a filter leaves one. */
const drawnAgents = (n: number) => (n === 1 ? '1 agent with the highest peak is drawn' : `${n} agents with the highest peak are drawn`);

/** The load chart and the agents' peaks over the range. */
function LoadOverTime({ load, filters, rows }: { load: LoadOverTimeFigures; filters: Filters; rows: Rows }) {
  return (
    <>
      <h2>Load over time</h2>
      <p className="range">
        {filters.from} – {filters.to} ({filters.tz}). A conversation counts towards an agent from its assignment to them until it is reassigned,
        unassigned or resolved; a reopen while still assigned counts again. Each point is the highest number of conversations open with the
        agent at the same moment during that {load.resolution}
        {load.resolution === 'day' ? ` (ranges over ${HOURLY_MAX_DAYS} days show each day's peak; shorter ranges show every hour)` : ''}.
        {load.agents.length > 0 && (
          <>
            {' '}The {drawnAgents(Math.min(TOP_AGENTS, load.agents.length))}
            {load.othersCount === 1 ? '; the other one is drawn dashed' : ''}
            {load.othersCount > 1 ? `; the other ${load.othersCount} are drawn as one dashed line, their load per agent (their joint peak divided by ${load.othersCount}; the tooltip gives both)` : ''}. Lines
            with equal load lie on each other: point at a name in the legend to pick out its line, or press it (a click, Enter or Space) to keep it picked.
          </>
        )}
      </p>
      {load.agents.length === 0 ? (
        <p className="empty">No conversation counted towards an agent during this range with these filters (no assignment history overlaps it).</p>
      ) : (
        <>
          <LoadChart data={{ resolution: load.resolution, buckets: load.buckets, series: load.series }} />
          <div className="table-wrap">
            <table className="data cards agents-peak">
              <thead>
                <tr>
                  <th>Agent</th>
                  <th className="num">Peak (conversations)</th>
                  <th className="num">Capacity (conversations)</th>
                  <th className="num">Hours over capacity</th>
                  <th className="num">Conversation-hours</th>
                </tr>
              </thead>
              <tbody>
                {listed(load.agents, rows).map((a) => (
                  <tr key={a.agentId} className={a.hoursOverCapacity > 0 ? 'overloaded' : undefined}>
                    <td className="full">{a.name}</td>
                    <td className="num" data-label="Peak">
                      {count(a.peak)}
                    </td>
                    <td className="num" data-label="Capacity">
                      {a.capacity === null ? '–' : count(a.capacity)}
                    </td>
                    <td className="num full" data-label="Hours over capacity">
                      <span>
                        {count(a.hoursOverCapacity)} h{a.hoursOverCapacity > 0 && <span className="marker">⚠ over</span>}
                      </span>
                    </td>
                    <td className="num full" data-label="Conversation-hours">
                      {a.conversationHours.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} h
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MoreAgents total={load.agents.length} rows={rows} which="with the highest peak" />
          <p className="footnote">
            Hours over capacity: hours of the range in which the agent held more open conversations than their capacity at some moment.
            Conversation-hours: the time conversations counted towards the agent, summed.
          </p>
        </>
      )}
    </>
  );
}

type Rows = { every: boolean; query: string };
const listed = <T,>(list: T[], rows: Rows) => (rows.every ? list : list.slice(0, AGENT_ROWS));

/** Below a table of `total` agents, when it lists only the first AGENT_ROWS: which those are, how many there are, and the way to all of them (or back). */
function MoreAgents({ total, rows, which }: { total: number; rows: Rows; which: string }) {
  if (total <= AGENT_ROWS) return null;
  return (
    <p className="more-rows">
      {rows.every ? (
        <>
          All {count(total)} agents. <a href={`/agents?${rows.query}`}>Show the {AGENT_ROWS} first</a>
        </>
      ) : (
        <>
          The {AGENT_ROWS} {which}, of {count(total)} agents. <a href={`/agents?${rows.query}&rows=all`}>Show all {count(total)}</a>
        </>
      )}
    </p>
  );
}

/** open / capacity as a bar, with the figures in text beside it (colour is never the only signal). */
function LoadBar({ open, capacity }: { open: number; capacity: number | null }) {
  if (capacity === null || capacity === 0) return <span className="load-text">{capacity === 0 ? 'capacity 0' : 'capacity unknown'}</span>;
  const share = open / capacity;
  return (
    <span className="load">
      <span className="load-bar" aria-hidden="true">
        <span className={share > 1 ? 'fill over' : 'fill'} style={{ width: `${Math.min(100, share * 100)}%` }} />
      </span>
      <span className="load-text">{Math.round(share * 100)} %</span>
    </span>
  );
}

/**
 * Why "Right now" lists no agent: with a group and an agent chosen that do not meet, "no agent is
 * known" read as if the chosen agent did not exist, beside a load chart that listed them.
 */
function noAgentNow(filters: Filters): string {
  if (filters.agents.length > 0 && filters.groups.length > 0) return 'None of the chosen agents is an agent of the chosen groups or holds one of their open conversations now.';
  if (filters.groups.length > 0) return 'The chosen groups list no agent known to the dashboard, and none of their conversations is open now.';
  return 'No agent is known with these filters: agents appear once an event names them (as assignee or actor).';
}

/** Why "Per group" lists no group (getGroupsNow leaves out a group with none of the chosen agents and nothing open or waiting). */
function noGroupNow(filters: Filters): string {
  if (filters.agents.length > 0) return 'No group has one of the chosen agents, or a conversation open or waiting with these filters.';
  return 'No group is known with these filters, and no conversation is open or waiting.';
}
