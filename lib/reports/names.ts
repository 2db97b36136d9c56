/** The CSV reports served at GET /api/reports/<name>.csv (issue 5), in the order pages offer them. */
export const REPORT_NAMES = ['conversations', 'agents', 'groups', 'transitions', 'assignments'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export const isReportName = (name: string): name is ReportName => (REPORT_NAMES as readonly string[]).includes(name);
