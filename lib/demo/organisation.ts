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

export type OrganisationOptions = { agents: number; groups: number; channels: number; timezone: string };

export function buildOrganisation(rng: Random, options: OrganisationOptions): Organisation {
  const calendar: BusinessCalendar = { ...DEFAULT_BUSINESS_CALENDAR, timezone: options.timezone };
  const groups: DemoGroup[] = Array.from({ length: options.groups }, (_, i) => ({
    id: rng.uuid(),
    name: GROUP_NAMES[i] ?? `Team ${i + 1}`,
    routingType: ROUTING[i % ROUTING.length]!,
    calendar,
    agentIds: [],
  }));
  const agents: DemoAgent[] = Array.from({ length: options.agents }, (_, i) => {
    const home = groups[i % groups.length]!;
    const groupIds = [home.id];
    // About a third of the agents also help out in a second group.
    if (groups.length > 1 && rng.chance(0.3)) groupIds.push(groups[(i + 1 + rng.int(0, groups.length - 2)) % groups.length]!.id);
    return {
      id: rng.uuid(),
      firstName: FIRST_NAMES[i % FIRST_NAMES.length]!,
      lastName: LAST_NAMES[(i * 7) % LAST_NAMES.length]! + (i >= FIRST_NAMES.length ? ` ${Math.floor(i / FIRST_NAMES.length) + 1}` : ''),
      maxActiveConv: rng.int(3, 8),
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
      // A few topics carry most of the traffic.
      weight: 1 / (i + 1),
    };
  });
  return { appId: rng.uuid(), groups, agents, channels };
}
