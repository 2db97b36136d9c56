import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_DIR, FreshworksRuntime, readAppJson } from './freshworks-runtime';

// manifest.json, config/iparams.json, config/requests.json and the server code must agree:
// the platform refuses an app whose templates or events are declared in one place only.
const manifest = readAppJson('manifest.json');
const requests: Record<string, any> = readAppJson('config/requests.json');
const iparams: Record<string, any> = readAppJson('config/iparams.json');
const app = new FreshworksRuntime({ iparams: {}, hosts: {} });
const forward = app.load('server/lib/forward.js');

function serverFiles(dir = path.join(APP_DIR, 'server')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test_data' ? [] : serverFiles(full);
    return entry.name.endsWith('.js') ? [full] : [];
  });
}
// Code without its comments (which may well name what the code must not use).
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
const serverCode = serverFiles().map((file) => ({ file: path.relative(APP_DIR, file), source: withoutComments(fs.readFileSync(file, 'utf8')) }));

/** Every `<%= source.key %>` in a template, with the schema field it sits in. */
function substitutions(template: any): { source: string; key: string; field: string }[] {
  const found: { source: string; key: string; field: string }[] = [];
  const scan = (value: unknown, field: string) => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(/<%=\s*(\w+)\.(\w+)\s*%>/g)) found.push({ source: m[1]!, key: m[2]!, field });
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) scan(inner, field);
    }
  };
  for (const [field, value] of Object.entries(template.schema)) scan(value, field);
  return found;
}

describe('the Freshworks app configuration', () => {
  it('is a platform 3.0 app with engines, subscribing both conversation events in the chat_conversation module, onAppInstall and onScheduledEvent in common', () => {
    expect(manifest['platform-version']).toBe('3.0');
    expect(manifest.engines).toEqual({ node: expect.stringMatching(/^\d+\.\d+\.\d+$/), fdk: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(Object.keys(manifest.modules).sort()).toEqual(['chat_conversation', 'common']);
    expect(manifest.modules.chat_conversation.events).toEqual({
      onConversationCreate: { handler: 'onConversationCreateHandler' },
      onConversationUpdate: { handler: 'onConversationUpdateHandler' },
    });
    // App set-up and scheduled events belong to the common module in platform 3.0.
    expect(manifest.modules.common.events).toEqual({
      onAppInstall: { handler: 'onAppInstallHandler' },
      onScheduledEvent: { handler: 'onScheduledEventHandler' },
    });
  });

  it('exports a function from server.js for every handler the manifest names, and nothing else', () => {
    const exported = app.load('server/server.js');
    const handlers = Object.values<any>(manifest.modules).flatMap((module) => Object.values<any>(module.events ?? {}).map((e) => e.handler));
    expect(Object.keys(exported).sort()).toEqual([...handlers].sort());
    for (const handler of handlers) expect(typeof exported[handler]).toBe('function');
  });

  it('declares in the manifest exactly the templates requests.json defines, the one the code invokes among them', () => {
    expect(Object.keys(manifest.modules.common.requests)).toEqual(Object.keys(requests));
    expect(Object.keys(requests)).toEqual([forward.TEMPLATE_NAME]);
    // The template name appears in the code only where forward.js names it.
    const mentions = serverCode.filter(({ source }) => source.includes(`'${forward.TEMPLATE_NAME}'`)).map(({ file }) => file);
    expect(mentions).toEqual(['server/lib/forward.js']);
  });

  it('posts JSON over HTTPS to /api/events with the token from the secure setting, and leaves retries to the code', () => {
    const template = requests[forward.TEMPLATE_NAME];
    expect(template.schema).toEqual({
      protocol: 'https',
      method: 'POST',
      host: '<%= context.dashboard_host %>',
      path: '/api/events',
      headers: { Authorization: 'Bearer <%= iparam.ingest_token %>', 'Content-Type': 'application/json' },
    });
    // The platform's own retries (maxAttempts 1–5) would multiply the code's and overrun the 20 s limit.
    expect(template.options).toEqual({ maxAttempts: 1 });
  });

  it('uses only iparams that exist, secure ones only in header values, and context the code passes', () => {
    const used = Object.values(requests).flatMap(substitutions);
    for (const { source, key, field } of used) {
      expect(['iparam', 'context'], `${source}.${key}`).toContain(source);
      if (source === 'iparam') {
        expect(iparams, `iparam.${key}`).toHaveProperty(key);
        if (iparams[key].secure) expect(field, `secure iparam ${key}`).toBe('headers');
      }
    }
    const passed = forward.buildRequest({ iparams: { dashboard_url: 'https://dashboard.example.com' }, data: {} }).context;
    expect(used.filter((u) => u.source === 'context').map((u) => u.key).sort()).toEqual(Object.keys(passed).sort());
  });

  it('asks for the dashboard URL (read by the code) and the ingest token (secure), both required', () => {
    expect(Object.keys(iparams).sort()).toEqual(['dashboard_url', 'ingest_token']);
    expect(iparams.ingest_token).toMatchObject({ type: 'text', required: true, secure: true });
    expect(iparams.dashboard_url).toMatchObject({ type: 'url', required: true, secure: false });
    const types = ['text', 'paragraph', 'dropdown', 'email', 'number', 'phone_number', 'date', 'url', 'radio', 'checkbox', 'multiselect', 'domain', 'api_key'];
    for (const [key, config] of Object.entries(iparams)) {
      expect(types, key).toContain(config.type);
      expect(config.display_name, key).toEqual(expect.any(String));
    }
  });

  it('never reads the secure token in server code, and uses nothing the sandbox lacks', () => {
    for (const { file, source } of serverCode) {
      expect(source, file).not.toContain('ingest_token');
      expect(source, file).not.toMatch(/\b(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|clearImmediate|process|Buffer|TextEncoder)\b/);
      expect(source, file).not.toMatch(/require\(\s*['"](?!\.)/); // no npm packages: only the app's own files
    }
  });
});
