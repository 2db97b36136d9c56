import * as z from 'zod';

/**
 * The URL parameters of the conversations table, beside the filters: `sort` (a column key),
 * `dir` (asc|desc) and `page` (1-based). Parsed with zod at the page's boundary; an unknown value
 * gives a message for the page to show, never an exception.
 */
export const SORT_KEYS = [
  'id',
  'created',
  'status',
  'channel',
  'group',
  'agent',
  'source',
  'firstResponse',
  'resolution',
  'reopens',
  'reassignments',
  'updated',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export const PAGE_SIZE = 50;
export const DEFAULT_SORT: SortKey = 'created';
export const DEFAULT_DIRECTION: SortDirection = 'desc';
/** Far beyond any real table (a million rows are 20,000 pages); keeps OFFSET an ordinary integer. */
const MAX_PAGE = 1_000_000;

const schema = z.object({
  sort: z.enum(SORT_KEYS, { error: `expected one of ${SORT_KEYS.join(', ')}` }).default(DEFAULT_SORT),
  dir: z.enum(SORT_DIRECTIONS, { error: 'expected asc or desc' }).default(DEFAULT_DIRECTION),
  // Digits only: Number() would also read "1e3", "0x10" and " 2 ", which no link of ours writes.
  page: z
    .string()
    .regex(/^[0-9]*\.?[0-9]+$/, 'expected a page number (digits)')
    .transform(Number)
    .pipe(z.number().int('expected a whole page number').min(1, 'expected a page number from 1').max(MAX_PAGE, `expected a page number up to ${MAX_PAGE}`))
    .default(1),
});

export type ListParams = z.infer<typeof schema>;
export type ParsedListParams = { ok: true; params: ListParams } | { ok: false; errors: { param: string; message: string }[] };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

export function parseListParams(params: Record<string, string | string[] | undefined>): ParsedListParams {
  const result = schema.safeParse({ sort: first(params.sort), dir: first(params.dir), page: first(params.page) });
  if (result.success) return { ok: true, params: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({ param: String(issue.path[0]), message: `${String(issue.path[0])}: ${issue.message}` })),
  };
}

/** The table's parameters as they appear in links (defaults included, so a shared link is explicit). */
export function listParamsToEntries({ sort, dir, page }: ListParams): Record<string, string> {
  return { sort, dir, page: String(page) };
}
