import { DashboardPage, type SearchParams } from '@/components/dashboard-page';
import { Tile } from '@/components/tile';
import { AssignmentSankey } from '@/components/charts/assignment-sankey';
import notes from '@/components/figure-notes.module.css';
import type { Filters } from '@/lib/filters/parse-filters';
import { count, percent } from '@/lib/format';
import { figure } from '@/lib/server/figure-threads';
import {
  type AssignmentFlow,
  type ReassignmentPath,
  type Unassignment,
} from '@/lib/queries/assignment-flows';
import { pageTitle } from '@/lib/pages';

export const dynamic = 'force-dynamic';

export const metadata = { title: pageTitle('assignments') };

/** Assignment flows: where conversations created in the range sit, and how assignments moved in the range. */
export default function AssignmentsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage streamed title="Assignment flows" path="/assignments" searchParams={searchParams} reports={['assignments']}>
      {async ({ filters }) => {
        // Two reads of the range, side by side on the figure threads.
        const [{ summary, paths, unassignments }, flow] = await Promise.all([figure('assignmentActivity', filters), figure('assignmentFlow', filters)]);
        return (
          <>
            <h2>Reassignments in the range</h2>
            <p className="range">{activityScope(filters)}</p>
            <div className="tiles">
              <Tile label="Agent reassignments" value={summary.agent.reassignments} unit={`changes · ${count(summary.agent.conversationsReassigned)} conversations`} />
              <Tile label="Agent reassignment rate" value={percent(summary.agent.conversationsReassigned, summary.agent.conversationsAssigned)} unit={`of ${count(summary.agent.conversationsAssigned)} conversations given an agent`} />
              <Tile label="Group reassignments" value={summary.group.reassignments} unit={`changes · ${count(summary.group.conversationsReassigned)} conversations`} />
              <Tile label="Group reassignment rate" value={percent(summary.group.conversationsReassigned, summary.group.conversationsAssigned)} unit={`of ${count(summary.group.conversationsAssigned)} conversations given a group`} />
              <Tile label="Agent unassignments" value={summary.agent.unassignments} unit="changes (agent removed, none in place)" />
              <Tile label="Group unassignments" value={summary.group.unassignments} unit="changes (group removed, none in place)" />
            </div>
            <p className={notes.definition}>
              A reassignment is a change from one agent (or group) to another; an unassignment removes the agent (or group) and puts none in its place.
              Reassignment rate = conversations reassigned at least once in the range ÷ conversations assigned (first time or again) at least once in the range.
            </p>

            <h2>Channel → group → agent</h2>
            <p className="range">
              Conversations created {filters.from} – {filters.to} ({filters.tz}), by their current channel (topic), group and agent
            </p>
            {flow.conversations === 0 ? (
              <p className="empty">No conversation was created in this range with these filters, so there is no flow to draw.</p>
            ) : (
              <>
                <AssignmentSankey flow={flow} />
                <FlowTable flow={flow} />
              </>
            )}

            <h2>Most frequent reassignments</h2>
            <div className={notes.pair}>
              <PathTable title="Agent → agent" paths={paths.agent} empty="No conversation moved from one agent to another in this range with these filters." />
              <PathTable title="Group → group" paths={paths.group} empty="No conversation moved from one group to another in this range with these filters." />
            </div>

            <h2>Unassignments</h2>
            <UnassignmentTable rows={unassignments} />
          </>
        );
      }}
    </DashboardPage>
  );
}

const activityScope = (filters: Filters) =>
  `Assignment changes made ${filters.from} – ${filters.to} (${filters.tz}) to conversations matching the other filters, whenever they were created`;

function FlowTable({ flow }: { flow: AssignmentFlow }) {
  return (
    <details>
      <summary>The same flows as a table</summary>
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th scope="col">from</th>
              <th scope="col">to</th>
              <th scope="col" className="num">
                conversations
              </th>
            </tr>
          </thead>
          <tbody>
            {/* From each node, the largest flows first (the diagram orders targets by their totals, not by this flow). */}
            {[...flow.links].sort((a, b) => a.source - b.source || b.value - a.value || a.target - b.target).map((link) => (
              <tr key={`${link.source}>${link.target}`}>
                <td>{flow.nodes[link.source]!.name}</td>
                <td>{flow.nodes[link.target]!.name}</td>
                <td className="num">{count(link.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function PathTable({ title, paths, empty }: { title: string; paths: ReassignmentPath[]; empty: string }) {
  return (
    <section>
      <h3>{title}</h3>
      {paths.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label={`${title} reassignments`}>
            <thead>
              <tr>
                <th scope="col">from</th>
                <th scope="col">to</th>
                <th scope="col" className="num">
                  reassignments
                </th>
              </tr>
            </thead>
            <tbody>
              {paths.map((path) => (
                <tr key={`${path.fromId}>${path.toId}`}>
                  <td>{path.from}</td>
                  <td>{path.to}</td>
                  <td className="num">{count(path.changes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function UnassignmentTable({ rows }: { rows: Unassignment[] }) {
  if (rows.length === 0) return <p className="empty">No conversation lost its agent or group without a replacement in this range with these filters.</p>;
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Unassignments by who the conversation was taken from">
        <thead>
          <tr>
            <th scope="col">taken from</th>
            <th scope="col">kind</th>
            <th scope="col" className="num">
              unassignments
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.kind}:${row.fromId}`}>
              <td>{row.from}</td>
              <td>{row.kind}</td>
              <td className="num">{count(row.changes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
