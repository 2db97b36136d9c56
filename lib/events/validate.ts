import type * as z from 'zod';
import { envelopeSchema, type Envelope } from './schema';

/** One problem with one envelope: where (`data.conversation.status`) and what (`expected string, got number`). */
export type ValidationIssue = { path: string; message: string };

export type ValidationResult = { ok: true; envelope: Envelope } | { ok: false; issues: ValidationIssue[] };

const MAX_ISSUES = 20;

/**
 * Deepest nesting accepted. Real envelopes are about 8 levels deep; unknown fields are kept, so
 * without a bound a hostile 5,000-level object would pass validation and then overflow the
 * stack when stored.
 */
export const MAX_DEPTH = 64;

export function validateEnvelope(input: unknown): ValidationResult {
  const tooDeep = nestsDeeperThan(input, MAX_DEPTH) ? pathNestedTooDeep(input, MAX_DEPTH) : null;
  if (tooDeep !== null) {
    return { ok: false, issues: [{ path: formatPath(tooDeep), message: `nested deeper than ${MAX_DEPTH} levels` }] };
  }
  const result = envelopeSchema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, envelope: result.data };
  return { ok: false, issues: result.error.issues.slice(0, MAX_ISSUES).map(toValidationIssue) };
}

/** `data.conversation.messages[0].id` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out || '(envelope)';
}

/** What a value is, in the words a person sending JSON would use. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

function toValidationIssue(issue: z.core.$ZodIssue): ValidationIssue {
  return { path: formatPath(issue.path), message: issueMessage(issue) };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'integer' : issue.expected;
      if (input === undefined) return `required: expected ${expected}`;
      if (expected === 'integer' && typeof input === 'number') return `expected integer, got ${input}`;
      return `expected ${expected}, got ${describeType(input)}`;
    }
    case 'invalid_value':
      if (input === undefined) return `required: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(input)}`;
    case 'invalid_format':
      return typeof input === 'string' ? `${issue.message}, got ${describeValue(input)}` : issue.message;
    default:
      return issue.message;
  }
}

/** A short quote of a scalar (`"onFoo"`, `42`), or the type of anything bigger. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > 60 ? `${quoted.slice(0, 60)}…` : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return describeType(value);
}

/**
 * Whether `value` nests objects or arrays deeper than `limit`: the check every envelope pays, so
 * it allocates nothing (finding the path, below, is left to the rare envelope that fails). The
 * recursion stops at `limit`, so it cannot overflow the stack either.
 */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeperThan(value[i], limit - 1)) return true;
  } else {
    // Inherited keys too: looking at more can only send an envelope to the exact walk below, never let one through.
    for (const key in value) if (nestsDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  }
  return false;
}

/**
 * Where `value` nests objects or arrays deeper than `limit` (the first three keys of the path
 * are enough to find it), or null. Iterative, so the check itself cannot overflow the stack.
 */
function pathNestedTooDeep(value: unknown, limit: number): PropertyKey[] | null {
  const stack: { node: unknown; depth: number; path: PropertyKey[] }[] = [{ node: value, depth: 1, path: [] }];
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return path;
    const entries: [PropertyKey, unknown][] = Array.isArray(node) ? node.map((child, i) => [i, child]) : Object.entries(node);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1, path: path.length < 3 ? [...path, key] : path });
    }
  }
  return null;
}
