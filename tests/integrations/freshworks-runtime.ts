import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import util from 'node:util';
import vm from 'node:vm';
import { ROOT } from '../helpers/server';
import { FreshworksScheduler, FreshworksStore } from './freshworks-store';

/**
 * A stand-in for the Freshworks serverless runtime (platform 3.0), enough to run the app in
 * integrations/freshworks-app as the platform would:
 *
 * - server files run in a vm context holding only what the sandbox documents: `$request`,
 *   `console`, `renderData`, `require` for the app's own files, and `exports`, which a file
 *   replaces (`exports = { ... }`). No setTimeout, setInterval, setImmediate, process or Buffer:
 *   app code that used them would fail here as it would on the platform.
 * - `$request.invokeTemplate(name, { context, body })` accepts only templates declared in
 *   manifest.json (modules.common.requests) and defined in config/requests.json, substitutes
 *   `<%= iparam.x %>` and `<%= context.x %>` (secure iparams in header values only), and makes
 *   the real HTTP request. The template's https host is looked up in `hosts` (standing in for DNS
 *   and TLS) and reached over plain HTTP on localhost. It resolves `{ status, headers, response }`
 *   for a 2xx and rejects with the same shape otherwise, or with `{ message }` and no status when
 *   the connection fails; requests time out after the platform's 15 s.
 * - an event runs the handler manifest.json names for it, with the installation's settings as
 *   the payload's `iparams`, secure ones included: the worst case, as in shared/fixtures.
 * - `$db` and `$schedule` are the stand-ins of freshworks-store.ts; several runtimes may share
 *   them (one installation whose settings change). With `clock`, the app's `Date.now()` and the
 *   stand-ins' limits follow it instead of the wall clock.
 */

export const APP_DIR = path.join(ROOT, 'integrations', 'freshworks-app');

export type LogEntry = { level: string; text: string };
export type OutboundRequest = {
  template: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  status: number | null;
  error?: string;
};
type Iparam = { display_name: string; type: string; secure?: boolean; required?: boolean };
type Template = {
  schema: { protocol?: string; method: string; host: string; path?: string; headers?: Record<string, string>; query?: Record<string, string> };
  options?: { maxAttempts?: number; retryDelay?: number };
};

export const readAppJson = (file: string): any => JSON.parse(fs.readFileSync(path.join(APP_DIR, file), 'utf8'));

export class FreshworksRuntime {
  readonly manifest = readAppJson('manifest.json');
  readonly templates: Record<string, Template> = readAppJson('config/requests.json');
  readonly iparamConfig: Record<string, Iparam> = readAppJson('config/iparams.json');
  readonly logs: LogEntry[] = [];
  readonly requests: OutboundRequest[] = [];
  readonly renderDataCalls: unknown[][] = [];
  readonly store: FreshworksStore;
  readonly scheduler: FreshworksScheduler;
  private readonly context: vm.Context;
  private readonly modules = new Map<string, unknown>();

  constructor(
    private readonly options: {
      /** The installation's settings, secure ones included. */
      iparams: Record<string, string>;
      /** Template host → base URL on this machine, e.g. { 'dashboard.example.test': 'http://127.0.0.1:4321' }. */
      hosts: Record<string, string>;
      requestTimeoutMs?: number;
      /** Called with every log line as well, e.g. to gather the lines of several runtimes. */
      onLog?: (entry: LogEntry) => void;
      /** The app's time (epoch ms); the wall clock when absent. */
      clock?: () => number;
      store?: FreshworksStore;
      scheduler?: FreshworksScheduler;
    },
  ) {
    const clock = options.clock ?? Date.now;
    this.store = options.store ?? new FreshworksStore(clock);
    this.scheduler = options.scheduler ?? new FreshworksScheduler(clock);
    const log = (level: string) => (...args: unknown[]) => {
      const entry = { level, text: util.format(...args) };
      this.logs.push(entry);
      this.options.onLog?.(entry);
    };
    this.context = vm.createContext({
      console: { log: log('log'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') },
      $request: { invokeTemplate: (name: string, call: { context?: Record<string, unknown>; body?: string } = {}) => this.invokeTemplate(name, call) },
      renderData: (...args: unknown[]) => void this.renderDataCalls.push(args),
      $db: this.store.api(),
      $schedule: this.scheduler.api(),
    });
    if (options.clock) {
      this.context.__standInClock = options.clock;
      vm.runInContext('Date.now = function () { return __standInClock(); };', this.context);
    }
  }

  /** The exports of one of the app's server files, e.g. 'server/lib/forward.js'. */
  load(file: string): any {
    const full = path.resolve(APP_DIR, file);
    if (!this.modules.has(full)) {
      const source = fs.readFileSync(full, 'utf8');
      // `exports` is a parameter the file may reassign; the wrapper hands back its final value.
      const wrapped = `(function (exports, require) {\n${source}\nreturn exports;\n})`;
      const factory = vm.runInContext(wrapped, this.context, { filename: full });
      const requireFromFile = (spec: string) => {
        if (!spec.startsWith('.')) throw new Error(`the app requires '${spec}': only its own files are available here`);
        const target = path.resolve(path.dirname(full), spec);
        return this.load(path.relative(APP_DIR, target.endsWith('.js') ? target : `${target}.js`));
      };
      this.modules.set(full, factory({}, requireFromFile));
    }
    return this.modules.get(full);
  }

  /** Delivers a product event as the platform does: the payload, with the installation's iparams, to the handler the manifest names. */
  async trigger(eventName: string, payload: Record<string, unknown>): Promise<unknown> {
    const handlerName = Object.values<any>(this.manifest.modules)
      .map((module) => module.events?.[eventName]?.handler)
      .find(Boolean);
    if (!handlerName) throw new Error(`manifest.json subscribes no handler to ${eventName}`);
    const handler = this.load('server/server.js')[handlerName];
    if (typeof handler !== 'function') throw new Error(`server.js exports no function ${handlerName}`);
    const delivered = JSON.parse(JSON.stringify({ ...payload, iparams: this.options.iparams }));
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${handlerName} ran past the platform's 20 s limit`)), 20_000);
    });
    try {
      return await Promise.race([Promise.resolve(handler(delivered)), limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async invokeTemplate(name: string, call: { context?: Record<string, unknown>; body?: string }) {
    if (!(name in (this.manifest.modules?.common?.requests ?? {}))) {
      throw { status: 400, message: `request template '${name}' is not declared in manifest.json (modules.common.requests)` };
    }
    const template = this.templates[name];
    if (!template) throw { status: 400, message: `request template '${name}' is not defined in config/requests.json` };
    const { schema } = template;
    if ((schema.protocol ?? 'https') !== 'https') throw new Error(`template '${name}' uses ${schema.protocol}: submitted apps must use https`);

    const substitute = (text: string, field: string) =>
      text.replace(/<%=\s*(.*?)\s*%>/g, (_, expression: string) => this.substituteOne(expression, field, call.context ?? {}));
    const host = substitute(schema.host, 'host');
    const query = new URLSearchParams(Object.entries(schema.query ?? {}).map(([k, v]) => [k, substitute(v, 'query')])).toString();
    const requestPath = substitute(schema.path ?? '/', 'path') + (query ? `?${query}` : '');
    const headers = Object.fromEntries(Object.entries(schema.headers ?? {}).map(([k, v]) => [k, substitute(v, 'headers')]));

    const maxAttempts = template.options?.maxAttempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      const result = await this.send(name, host, schema.method, requestPath, headers, call.body);
      const retryable = result.status === null || result.status === 429 || result.status >= 500;
      if (!retryable || attempt >= maxAttempts) {
        if (result.status !== null && result.status >= 200 && result.status < 300) return result;
        throw result;
      }
      await new Promise((resolve) => setTimeout(resolve, template.options?.retryDelay ?? 0));
    }
  }

  private substituteOne(expression: string, field: string, context: Record<string, unknown>): string {
    const match = /^(iparam|context)\.(\w+)$/.exec(expression);
    if (!match) throw new Error(`unsupported template expression <%= ${expression} %>`);
    const [, source, key] = match as unknown as [string, string, string];
    if (source === 'context') {
      if (context[key] === undefined) throw new Error(`context.${key} was not passed to invokeTemplate`);
      return String(context[key]);
    }
    const config = this.iparamConfig[key];
    if (!config) throw new Error(`iparam.${key} is not defined in config/iparams.json`);
    if (config.secure && field !== 'headers') throw new Error(`secure iparam ${key} may only be used in header values, not in ${field}`);
    return this.options.iparams[key] ?? '';
  }

  private send(template: string, host: string, method: string, requestPath: string, headers: Record<string, string>, body: string | undefined) {
    type Result = { status: number | null; headers: Record<string, string>; response: string; message?: string };
    const record: OutboundRequest = { template, url: `https://${host}${requestPath}`, headers, body, status: null };
    this.requests.push(record);
    const base = this.options.hosts[host];
    if (!base) {
      record.error = `getaddrinfo ENOTFOUND ${host}`;
      return Promise.resolve<Result>({ status: null, headers: {}, response: '', message: record.error });
    }
    return new Promise<Result>((resolve) => {
      const request = http.request(new URL(requestPath, base), { method, headers, agent: false, timeout: this.options.requestTimeoutMs ?? 15_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          record.status = response.statusCode ?? null;
          const responseHeaders = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, String(v)]));
          resolve({ status: record.status, headers: responseHeaders, response: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', (error) => resolve(networkError(error)));
      });
      const networkError = (error: Error): Result => {
        record.error = error.message;
        return { status: null, headers: {}, response: '', message: error.message };
      };
      request.on('timeout', () => request.destroy(new Error('request timed out')));
      request.on('error', (error) => resolve(networkError(error)));
      request.end(body);
    });
  }

  /** Every log line, for assertions. */
  logText(): string {
    return this.logs.map((entry) => `${entry.level}: ${entry.text}`).join('\n');
  }
}
