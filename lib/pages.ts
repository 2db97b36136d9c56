/**
 * The dashboard's pages, in the order the header links them: one list for the navigation and the
 * benchmark that times every page. (No React here, so scripts can import it.)
 */
export const PAGES = [
  { key: 'overview', href: '/', label: 'Overview' },
  { key: 'assignments', href: '/assignments', label: 'Assignments' },
  { key: 'transitions', href: '/transitions', label: 'Transitions' },
  { key: 'agents', href: '/agents', label: 'Agent load' },
  { key: 'statistics', href: '/statistics', label: 'Statistics' },
  { key: 'conversations', href: '/conversations', label: 'Conversations' },
  { key: 'ingest', href: '/ingest', label: 'Ingest health' },
] as const;
