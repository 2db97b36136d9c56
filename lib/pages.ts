/**
 * The dashboard's pages, in the order the header links them: one list for the navigation and the
 * benchmark that times every page. (No React here, so scripts can import it.)
 */
export const PAGES = [
  { key: 'overview', href: '/', label: 'Overview' },
  { key: 'assignments', href: '/assignments', label: 'Assignments', title: 'Assignment flows' },
  { key: 'transitions', href: '/transitions', label: 'Transitions', title: 'Status transitions' },
  { key: 'agents', href: '/agents', label: 'Agent load' },
  { key: 'statistics', href: '/statistics', label: 'Statistics' },
  { key: 'conversations', href: '/conversations', label: 'Conversations' },
  { key: 'ingest', href: '/ingest', label: 'Ingest health' },
] as const;

export type PageKey = (typeof PAGES)[number]['key'];

/** The product's name, after each page's in the browser tab. */
export const PRODUCT_NAME = 'Conversation observability';

/**
 * A page's name in its browser tab (the layout's title template adds the product's name after it):
 * its heading, where the header's link is a shorter form of it ("Assignments" links to "Assignment flows").
 */
export const pageTitle = (key: PageKey) => {
  const page: { label: string; title?: string } = PAGES.find((candidate) => candidate.key === key)!;
  return page.title ?? page.label;
};
