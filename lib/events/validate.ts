import type * as z from 'zod';
import { envelopeSchema, type Envelope } from './schema';

/** One problem with one envelope: where (`data.conversation.status`) and what (`expected string, got number`). */
export type ValidationIssue = { path: string; message: string };

export type ValidationResult = { ok: true; envelope: Envelope } | { ok: false; issues: ValidationIssue[] };

const MAX_ISSUES = 20;

export function validateEnvelope(input: unknown): ValidationResult {
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
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${truncate(JSON.stringify(input) ?? String(input))}`;
    case 'invalid_format':
      return typeof input === 'string' ? `${issue.message}, got ${truncate(JSON.stringify(input))}` : issue.message;
    default:
      return issue.message;
  }
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
