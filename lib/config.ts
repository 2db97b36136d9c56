import path from 'node:path';
import * as z from 'zod';

/**
 * Every setting the dashboard reads from its environment, parsed once with zod.
 * A wrong value stops the process with a message naming the variable, rather
 * than surfacing later as a confusing failure.
 */
const configSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .default('file:./data/dashboard.db')
    .refine((value) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('file:'), {
      message: 'must be a SQLite file such as file:./data/dashboard.db (other databases are not supported yet)',
    }),
  INGEST_TOKEN: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || value.length >= 16, {
      message: 'must be at least 16 characters (generate one with: openssl rand -hex 32)',
    }),
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(3000),
  DEMO_DATA: z.enum(['0', '1'], { error: 'must be 0 (never load demo data) or 1' }).default('1'),
});

export type Config = {
  /** Absolute path of the SQLite file, or ':memory:'. */
  databasePath: string;
  /** Bearer token that ingest requires; undefined means ingest is disabled. */
  ingestToken: string | undefined;
  port: number;
  /** Whether `npm start` fills an empty database with demo data. */
  demoData: boolean;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return {
    databasePath: databasePathFromUrl(result.data.DATABASE_URL),
    ingestToken: result.data.INGEST_TOKEN,
    port: result.data.PORT,
    demoData: result.data.DEMO_DATA === '1',
  };
}

/** `file:./data/x.db`, `file:/abs/x.db`, a plain path, or `:memory:`. Relative paths are from the working directory. */
function databasePathFromUrl(url: string): string {
  const withoutScheme = url.startsWith('file://') ? url.slice('file://'.length) : url.startsWith('file:') ? url.slice('file:'.length) : url;
  if (withoutScheme === ':memory:') return withoutScheme;
  return path.resolve(withoutScheme);
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
