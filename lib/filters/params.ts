/**
 * The URL parameters of the dashboard filters. Kept apart from the parser so client components
 * (the page links) can name them without shipping zod to the browser.
 */
export const FILTER_PARAMS = ['from', 'to', 'channel', 'group', 'agent', 'source', 'status', 'tz'] as const;
