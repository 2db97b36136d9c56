import type { Db } from '../../db/client';
import { openReadConnection } from '../../db/read-connection';
import type { Filters } from '../filters/parse-filters';
import { getTeamFigures, type TeamFigures, type TeamKind } from '../queries/team-figures';
import type { Cell } from './csv';

/**
 * A median as its decimal, without binary floating-point noise: the median of 3.44 and 3.45 h is
 * written 3.445, not 3.4450000000000003. Twelve significant digits keep every digit the values
 * themselves carry (Freshchat sends hours to two decimals).
 */
const decimal = (value: number | null) => (value === null ? null : Number(value.toPrecision(12)));

/**
 * The per-agent and per-group reports: a few hundred rows at most, computed in full by grouped
 * queries (lib/queries/team-figures.ts), then written out. Header → figure, in column order.
 */
const FIGURE_COLUMNS: [string, (row: TeamFigures) => Cell][] = [
  ['open_now', (r) => r.openNow],
  ['max_active_conv', (r) => r.maxActiveConv],
  ['assigned_in_range', (r) => r.assignedInRange],
  ['resolved_in_range', (r) => r.resolvedInRange],
  ['reassigned_away', (r) => r.reassignedAway],
  ['median_first_response_bhrs', (r) => decimal(r.medianFirstResponseBhrs)],
  ['median_first_response_chrs', (r) => decimal(r.medianFirstResponseChrs)],
  ['median_resolution_bhrs', (r) => decimal(r.medianResolutionBhrs)],
  ['median_resolution_chrs', (r) => decimal(r.medianResolutionChrs)],
];

export function teamReportHeader(kind: TeamKind): string[] {
  return [`${kind}_id`, `${kind}_name`, ...FIGURE_COLUMNS.map(([name]) => name)];
}

/**
 * The status filter does not apply, as on the Agent load page these reports are exported from:
 * `open_now` is itself defined by status, and a link from that page carries whatever status its
 * filter bar holds (with `status=resolved`, every agent's `open_now` was 0).
 */
export function teamReportRows(db: Db, kind: TeamKind, filters: Filters): Cell[][] {
  return getTeamFigures(db, kind, { ...filters, statuses: [] }).map((row) => [row.id, row.name, ...FIGURE_COLUMNS.map(([, figure]) => figure(row))]);
}

/** The same, on a read-only connection of its own to the database at `databasePath` (the configured one by default), closed after. */
export function teamReportRowsOf(databasePath: string | undefined, kind: TeamKind, filters: Filters): Cell[][] {
  const connection = openReadConnection(databasePath);
  try {
    return teamReportRows(connection.db, kind, filters);
  } finally {
    connection.close();
  }
}
