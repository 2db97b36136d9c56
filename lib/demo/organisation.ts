import { DEFAULT_BUSINESS_CALENDAR, type BusinessCalendar } from '../time/business-hours';
import type { Random } from './random';

/** The support team the demo data is about: groups, the agents in them, and the topics routed to them. */
export type DemoGroup = {
  id: string;
  name: string;
  routingType: 'INTELLIASSIGN' | 'OCR' | 'DISABLED';
  calendar: BusinessCalendar;
  agentIds: string[];
};
export type DemoAgent = {
  id: string;
  firstName: string;
  lastName: string;
  maxActiveConv: number;
  available: boolean;
  groupIds: string[];
  timezone: string;
};
export type DemoChannel = { id: string; name: string; tag: string; groupId: string; weight: number };
export type Organisation = { appId: string; groups: DemoGroup[]; agents: DemoAgent[]; channels: DemoChannel[] };

const GROUP_NAMES = ['Tech Support', 'Billing', 'Sales', 'Onboarding', 'VIP Desk', 'Returns', 'Partners', 'Compliance'];
const CHANNEL_NAMES = [
  'Product help',
  'Billing questions',
  'Sales enquiries',
  'Getting started',
  'Priority',
  'Returns & refunds',
  'Partner programme',
  'Security & privacy',
];
// Names from many places, a few with characters that must survive storage and display intact.
const FIRST_NAMES = ['Amara', 'Bjørn', 'Chen', 'Dalia', 'Émile', 'Fatima', 'Gustavo', 'Hiro', 'Ines', 'Jonas', 'Kavya', 'Léa', 'Mateo', 'Nadia', 'Oluwaseun', 'Priya', 'Quentin', 'Rosa', 'Søren', 'Tomás', 'Uma', 'Viktor', 'Wen', 'Yusuf', 'Zoë'];
const LAST_NAMES = ['Adeyemi', 'Larsen', 'Wei', 'Haddad', 'Dubois', 'Khan', 'Pereira', 'Sato', 'Ortiz', 'Becker', 'Iyer', 'Martin', 'García', 'Novak', 'Okafor', 'Sharma', 'Moreau', 'Rossi', 'Nielsen', 'Silva', 'Mehta', 'Petrov', 'Zhang', 'Demir', 'Müller'];
const ROUTING: DemoGroup['routingType'][] = ['INTELLIASSIGN', 'OCR', 'INTELLIASSIGN', 'DISABLED'];

export type OrganisationOptions = { agents: number; groups: number; channels: number; timezone: string; conversationsPerDay: number };

/**
 * How long a conversation stays with an agent, in days, roughly: from assignment to resolution,
 * nights and weekends included (work that waits for opening time stays assigned meanwhile). This
 * generator's lives, routed without regard to capacity, kept a median of 64 conversations open at
 * 150 a day: 0.43 of a day each.
 */
const MEAN_HOLD_DAYS = 0.45;

/**
 * Capacities a team lead would set for this volume: an agent's share of what the team holds
 * (Little's law: conversations a day × days held ÷ agents), times 1.5 to 2.5, so the team has room
 * on an ordinary day and runs full on Monday mornings. The fixed 3 to 8 of before could not hold
 * the volume: the demo's agents held up to ten times their capacity, the benchmark's thirty.
 */
function capacityRange(options: OrganisationOptions): [number, number] {
  const perAgent = (options.conversationsPerDay * MEAN_HOLD_DAYS) / Math.max(1, options.agents);
  return [Math.max(3, Math.round(perAgent * 1.5)), Math.max(5, Math.round(perAgent * 2.5))];
}

export function buildOrganisation(rng: Random, options: OrganisationOptions): Organisation {
  const calendar: BusinessCalendar = { ...DEFAULT_BUSINESS_CALENDAR, timezone: options.timezone };
  const groups: DemoGroup[] = Array.from({ length: options.groups }, (_, i) => ({
    id: rng.uuid(),
    name: GROUP_NAMES[i] ?? `Team ${i + 1}`,
    routingType: ROUTING[i % ROUTING.length]!,
    calendar,
    agentIds: [],
  }));
  const homes = homeGroups(options);
  const [leastCapacity, mostCapacity] = capacityRange(options);
  const agents: DemoAgent[] = Array.from({ length: options.agents }, (_, i) => {
    const home = groups[homes[i]!]!;
    const groupIds = [home.id];
    // About a third of the agents also help out in a second group.
    if (groups.length > 1 && rng.chance(0.3)) groupIds.push(groups[(i + 1 + rng.int(0, groups.length - 2)) % groups.length]!.id);
    return {
      id: rng.uuid(),
      firstName: FIRST_NAMES[i % FIRST_NAMES.length]!,
      lastName: LAST_NAMES[(i * 7) % LAST_NAMES.length]! + (i >= FIRST_NAMES.length ? ` ${Math.floor(i / FIRST_NAMES.length) + 1}` : ''),
      maxActiveConv: rng.int(leastCapacity, mostCapacity),
      available: rng.chance(0.85),
      groupIds: [...new Set(groupIds)],
      timezone: options.timezone,
    };
  });
  for (const agent of agents) for (const groupId of agent.groupIds) groups.find((g) => g.id === groupId)!.agentIds.push(agent.id);
  const channels: DemoChannel[] = Array.from({ length: options.channels }, (_, i) => {
    const name = CHANNEL_NAMES[i] ?? `Topic ${i + 1}`;
    return {
      id: rng.uuid(),
      name,
      tag: name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''),
      groupId: groups[i % groups.length]!.id,
      weight: channelWeight(i),
    };
  });
  return { appId: rng.uuid(), groups, agents, channels };
}

/** A few topics carry most of the traffic. */
const channelWeight = (i: number) => 1 / (i + 1);

/**
 * Each agent's home group (an index), staffed as the traffic routed to it asks: topic i goes to
 * group i mod groups, so the first group gets far more conversations than the last. Every group
 * has someone (when there are enough agents), the rest are shared in proportion to traffic
 * (largest remainders); one agent per group in turn would leave the busiest group's few agents
 * holding several times their capacity.
 */
function homeGroups(options: OrganisationOptions): number[] {
  if (options.agents < options.groups) return Array.from({ length: options.agents }, (_, i) => i);
  const traffic = new Array<number>(options.groups).fill(0);
  for (let i = 0; i < options.channels; i++) traffic[i % options.groups]! += channelWeight(i);
  const total = traffic.reduce((a, b) => a + b, 0);
  const spare = options.agents - options.groups;
  const shares = traffic.map((t) => (t / total) * spare);
  const staff = shares.map((share) => 1 + Math.floor(share));
  const byRemainder = shares.map((share, g) => ({ g, rest: share - Math.floor(share) })).sort((a, b) => b.rest - a.rest || a.g - b.g);
  for (let k = 0, left = options.agents - staff.reduce((a, b) => a + b, 0); k < left; k++) staff[byRemainder[k]!.g]! += 1;
  return staff.flatMap((count, g) => new Array<number>(count).fill(g));
}
