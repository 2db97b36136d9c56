import type { FigureName } from './figures';

/**
 * The table whose cached days each figure mostly reads (lib/queries/range-cache/): the figure
 * threads send a figure to the thread that last read its table, so that a thread's cache holds each
 * table once (the Overview's, the Assignments flow's and Statistics' conversations, for example).
 */
export const FIGURE_TABLES: Record<FigureName, string> = {
  overview: 'conversations',
  assignmentFlow: 'conversations',
  statisticSummaries: 'conversations',
  statisticDetails: 'conversations',
  assignmentActivity: 'assignment_changes',
  transitions: 'status_transitions',
  loadOverTime: 'agent_load_intervals',
  teamReport: 'SQLite only',
};
