/**
 * The conversation statistics Freshchat sends in `conversation.statistics`.
 * Each comes twice: `_bhrs` counts business hours only (the group's business
 * calendar), `_chrs` counts calendar hours. The reference documents both as
 * hours; this is the one place that says so, for the schema, the tables,
 * the views and the CSV columns alike.
 */
export const STATISTIC_UNIT = 'hours';

export const STATISTICS = [
  'first_response_time',
  'resolution_time',
  'wait_time',
  'first_agent_assignment_time',
  'first_group_assignment_time',
  'agent_reassignment_time',
  'group_reassignment_time',
] as const;

export type Statistic = (typeof STATISTICS)[number];
export type HourBasis = 'bhrs' | 'chrs';
export type StatisticKey = `${Statistic}_${HourBasis}`;

/** The fourteen payload keys, business hours before calendar hours for each statistic. */
export const STATISTIC_KEYS: readonly StatisticKey[] = STATISTICS.flatMap((name) => [
  `${name}_bhrs` as const,
  `${name}_chrs` as const,
]);
