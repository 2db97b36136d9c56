import { hkdfSync } from 'node:crypto';
import path from 'node:path';
import * as z from 'zod';
import { canonicalTimeZone, isValidTimeZone } from './time/zoned';

/** Shortest DASHBOARD_PASSWORD accepted: a shared team password must resist guessing even when slowed down. */
export const MIN_PASSWORD_LENGTH = 12;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/**
 * Every setting the dashboard reads from its environment, parsed once with zod.
 * A wrong value stops the process with a message naming the variable, rather
 * than surfacing later as a confusing failure.
 */
/** A number variable set empty is unset (its default): Number('') would read it as 0. */
const emptyIsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const configSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .default('file:./data/dashboard.db')
    .refine((value) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('file:'), {
      message: 'must be a SQLite file such as file:./data/dashboard.db (other databases are not supported yet)',
    }),
  INGEST_TOKEN: optionalString.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters (generate one with: openssl rand -hex 32)',
  }),
  // Empty is unset (the default) for PORT, DEMO_DATA and SESSION_HOURS too: an env file's `PORT=`
  // stopped start-up with "must be between 1 and 65535".
  PORT: z.preprocess(
    emptyIsUnset,
    z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535')
      .default(3000),
  ),
  DEMO_DATA: z.preprocess(emptyIsUnset, z.enum(['0', '1'], { error: 'must be 0 (never load demo data) or 1' }).default('1')),
  DASHBOARD_PASSWORD: optionalString.refine((value) => value === undefined || value.length >= MIN_PASSWORD_LENGTH, {
    message: `must be at least ${MIN_PASSWORD_LENGTH} characters (a passphrase of a few words, or: openssl rand -base64 18)`,
  }),
  SESSION_SECRET: optionalString.refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters (generate one with: openssl rand -hex 32), or leave it unset to derive it from DASHBOARD_PASSWORD',
  }),
  SESSION_HOURS: z.preprocess(
    emptyIsUnset,
    z.coerce
      .number({ error: 'must be a number of hours' })
      .min(0.1, 'must be between 0.1 and 720 hours')
      .max(720, 'must be between 0.1 and 720 hours')
      .default(12),
  ),
  AUTH_PROXY_HEADER: optionalString.refine((value) => value === undefined || /^[A-Za-z0-9-]+$/.test(value), {
    message: 'must be an HTTP header name such as X-Forwarded-User',
  }),
  AUTH_PROXY_SECRET: optionalString.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters (generate one with: openssl rand -hex 32)',
  }),
  HOST: optionalString,
  // Empty is unset (the default), as for INGEST_TOKEN: Number('') is 0, which would turn the cache off unasked.
  FIGURE_CACHE_MB: z.preprocess(
    emptyIsUnset,
    z.coerce
      .number({ error: 'must be a number of megabytes' })
      .int('must be a whole number of megabytes')
      .min(0, 'must be between 0 (no cache) and 65536')
      .max(65536, 'must be between 0 (no cache) and 65536')
      .default(512),
  ),
  // Empty is unset (UTC), like the numbers below: DASHBOARD_TZ= in an env file.
  DASHBOARD_TZ: z.preprocess(
    emptyIsUnset,
    z
      .string()
      .trim()
      .refine(isValidTimeZone, 'must be an IANA timezone such as Europe/Berlin or America/New_York')
      .transform(canonicalTimeZone)
      .default('UTC'),
  ),
  RANGE_REFRESH_SECONDS: z.preprocess(
    emptyIsUnset,
    z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .refine((value) => value === 0 || (value >= 5 && value <= 3600), 'must be 0 (never) or between 5 and 3600')
      .default(60),
  ),
});

export type Config = {
  /** Absolute path of the SQLite file, or ':memory:'. */
  databasePath: string;
  /** Bearer token that ingest requires; undefined means ingest is disabled. */
  ingestToken: string | undefined;
  port: number;
  /** Whether `npm start` fills an empty database with demo data. */
  demoData: boolean;
  /** Memory each figure thread may give the rows it caches (lib/queries/range-cache/); 0: none. */
  figureCacheBytes: number;
  /** The team's timezone: the dashboard's days, hours and default range where a URL names no `tz`. */
  timezone: string;
  /** How often a page whose range includes today renders its figures again in the browser; 0: never. */
  rangeRefreshSeconds: number;
  /** Who may view the dashboard (README, "Security"). */
  access: AccessConfig;
  /** The address `npm start` listens on: loopback while access is open, else HOST (default 0.0.0.0). */
  host: string;
};

export type AccessConfig = {
  /** The shared team password (DASHBOARD_PASSWORD); undefined: no password sign-in. */
  password: string | undefined;
  /** Key that signs session cookies: SESSION_SECRET, or derived from the password (so a restart keeps everyone signed in). */
  sessionKey: Buffer | undefined;
  sessionSeconds: number;
  /** Trusted-proxy mode: the header (lower case) the SSO proxy puts the signed-in user in. */
  proxyHeader: string | undefined;
  /** When set, proxy-mode requests must also carry `X-Auth-Proxy-Secret: <this>`. */
  proxySecret: string | undefined;
  /** False on a first run with nothing configured: the dashboard is open, on localhost only. */
  configured: boolean;
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
  const data = result.data;
  const configured = data.DASHBOARD_PASSWORD !== undefined || data.AUTH_PROXY_HEADER !== undefined;
  const host = data.HOST ?? (configured ? '0.0.0.0' : '127.0.0.1');
  const problems: string[] = [];
  if (!configured && !LOOPBACK_HOSTS.has(host)) {
    problems.push(`HOST: the dashboard has no sign-in configured, so it only listens on 127.0.0.1; set DASHBOARD_PASSWORD or AUTH_PROXY_HEADER before listening on ${host}`);
  }
  if (data.AUTH_PROXY_HEADER && !data.AUTH_PROXY_SECRET && !LOOPBACK_HOSTS.has(host)) {
    problems.push(
      `AUTH_PROXY_HEADER: anyone reaching ${host} could send this header; set AUTH_PROXY_SECRET (the proxy sends it as X-Auth-Proxy-Secret) or HOST=127.0.0.1 with the proxy on the same machine`,
    );
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return {
    databasePath: databasePathFromUrl(data.DATABASE_URL),
    ingestToken: data.INGEST_TOKEN,
    port: data.PORT,
    demoData: data.DEMO_DATA === '1',
    figureCacheBytes: data.FIGURE_CACHE_MB * 1024 * 1024,
    rangeRefreshSeconds: data.RANGE_REFRESH_SECONDS,
    timezone: data.DASHBOARD_TZ,
    host,
    access: {
      password: data.DASHBOARD_PASSWORD,
      sessionKey: sessionKey(data.SESSION_SECRET, data.DASHBOARD_PASSWORD),
      sessionSeconds: Math.round(data.SESSION_HOURS * 3600),
      proxyHeader: data.AUTH_PROXY_HEADER?.toLowerCase(),
      proxySecret: data.AUTH_PROXY_SECRET,
      configured,
    },
  };
}

/**
 * The cookie-signing key. Derived from the password with HKDF when SESSION_SECRET is unset: stable
 * across restarts (nobody is signed out by a deploy), and changing the password signs everyone out.
 */
function sessionKey(secret: string | undefined, password: string | undefined): Buffer | undefined {
  const material = secret ?? password;
  if (material === undefined) return undefined;
  return Buffer.from(hkdfSync('sha256', material, 'conversation-dashboard', 'session-cookie-v1', 32));
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
