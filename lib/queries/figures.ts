import type { Db } from '../../db/client';
import type { Filters } from '../filters/parse-filters';
import { teamReportRows } from '../reports/team-reports';
import { getLoadOverTime } from './agent-load';
import { getAssignmentActivity, getAssignmentFlow } from './assignment-flows';
import { getOverview } from './overview';
import { getStatisticDetailFigures, getStatisticSummaries } from './statistics';
import { getTransitionFigures } from './transitions';

/**
 * The reads of a range that the server runs on its figure threads (lib/server/figure-threads.ts),
 * by name: everything whose cost grows with the rows of the range (a year at a million
 * conversations: seconds). Each takes a connection, the filters and at most one more plain
 * argument, and returns plain data (it crosses threads by structured clone). A page asks for the
 * figures it draws; those of one page run side by side.
 *
 * Not here: what does not grow with the range (the live tiles, the "right now" tables, the
 * filter options, one conversation, a page of the list). Those stay on the main thread, so they
 * never wait behind a long range that keeps both figure threads busy.
 */
export const FIGURES = {
  overview: getOverview,
  assignmentActivity: (db: Db, filters: Filters) => getAssignmentActivity(db, filters),
  assignmentFlow: (db: Db, filters: Filters) => getAssignmentFlow(db, filters),
  transitions: getTransitionFigures,
  loadOverTime: (db: Db, filters: Filters) => getLoadOverTime(db, filters),
  statisticSummaries: getStatisticSummaries,
  statisticDetails: getStatisticDetailFigures,
  teamReport: (db: Db, filters: Filters, kind: 'agent' | 'group') => teamReportRows(db, kind, filters),
} satisfies Record<string, (db: Db, filters: Filters, arg: never) => unknown>;

export type FigureName = keyof typeof FIGURES;

/** The argument a figure takes after the filters, as a tuple: `[]` or `[arg]`. */
export type FigureArgs<N extends FigureName> = Parameters<(typeof FIGURES)[N]> extends [Db, Filters, ...infer Rest] ? Rest : never;
export type FigureOf<N extends FigureName> = ReturnType<(typeof FIGURES)[N]>;

export function computeFigure<N extends FigureName>(db: Db, name: N, filters: Filters, args: FigureArgs<N>): FigureOf<N> {
  const figure = FIGURES[name] as (db: Db, filters: Filters, ...args: unknown[]) => FigureOf<N>;
  return figure(db, filters, ...args);
}

export const isFigureName = (name: unknown): name is FigureName => typeof name === 'string' && Object.hasOwn(FIGURES, name);
