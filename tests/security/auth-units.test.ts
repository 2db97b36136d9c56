/** The pieces of access control on their own: the path rule, cookie signing, login throttling, storage status. */
import { describe, expect, it } from 'vitest';
import { accessFor } from '@/lib/auth/access-rules';
import { safeNext } from '@/lib/auth/login';
import { FIRST_DELAY_MS, FREE_ATTEMPTS, GLOBAL_FREE_ATTEMPTS, LoginThrottle, MAX_DELAY_MS, clientKey } from '@/lib/auth/login-throttle';
import { signSession, verifySession } from '@/lib/auth/session';
import { REPORT_FOR_MS, storageFailed, storageRecovered, storageStatus } from '@/lib/ingest/storage-status';

describe('accessFor: the one rule of which path needs what', () => {
  it.each([
    ['/', 'signed-in'],
    ['/agents', 'signed-in'],
    ['/conversations/abc', 'signed-in'],
    ['/api/live', 'signed-in'],
    ['/api/reports/conversations.csv', 'signed-in'],
    ['/api/eventsx', 'signed-in'],
    ['/api/events-export.csv', 'signed-in'],
    ['/login/x', 'signed-in'],
    ['/api/events', 'machine'],
    ['/api/events/', 'machine'],
    ['/api/bench/baseline', 'machine'],
    ['/api/health', 'health'],
    ['/login', 'public'],
    ['/api/auth/login', 'public'],
    ['/api/auth/logout', 'public'],
    ['/_next/static/chunks/x.js', 'public'],
    ['/favicon.ico', 'public'],
  ])('%s → %s', (path, access) => {
    expect(accessFor(path)).toBe(access);
  });
});

describe('safeNext: where sign-in may lead', () => {
  it.each([
    ['/agents?from=2026-10-01', '/agents?from=2026-10-01'],
    ['/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['/\t/evil.example', '/'],
    ['/\n/evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['agents', '/'],
  ])('%j → %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe('session cookie', () => {
  const key = Buffer.alloc(32, 1);
  const now = Date.UTC(2026, 10, 25, 12);
  it('round-trips the user until it expires', () => {
    const value = signSession(key, 'team', now + 60_000);
    expect(verifySession(key, value, now)).toBe('team');
    expect(verifySession(key, value, now + 59_000)).toBe('team');
    expect(verifySession(key, value, now + 60_000)).toBeNull();
  });
  it('refuses another key, and any change to the value', () => {
    const value = signSession(key, 'team', now + 60_000);
    expect(verifySession(Buffer.alloc(32, 2), value, now)).toBeNull();
    for (let i = 0; i < value.length; i++) {
      const changed = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
      expect(verifySession(key, changed, now), `character ${i}`).toBeNull();
    }
    expect(verifySession(key, undefined, now)).toBeNull();
    expect(verifySession(key, 'a.b', now)).toBeNull();
  });
});

describe('login throttle', () => {
  it('gives a few free attempts, then doubles the lockout up to a cap', () => {
    const throttle = new LoginThrottle();
    let now = 1_000_000;
    for (let i = 1; i < FREE_ATTEMPTS; i++) {
      throttle.failed('a', now);
      expect(throttle.waitMs('a', now)).toBe(0);
    }
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      throttle.failed('a', now);
      waits.push(throttle.waitMs('a', now));
      now += waits.at(-1)!; // the client waits out each lockout, then fails again
    }
    expect(waits.slice(0, 4)).toEqual([FIRST_DELAY_MS, 2 * FIRST_DELAY_MS, 4 * FIRST_DELAY_MS, 8 * FIRST_DELAY_MS]);
    expect(Math.max(...waits)).toBe(MAX_DELAY_MS);
    expect(throttle.waitMs('b', now)).toBe(0);
    throttle.succeeded('a');
    expect(throttle.waitMs('a', now)).toBe(0);
  });
  it('limits all clients together too, against forged addresses', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < GLOBAL_FREE_ATTEMPTS; i++) throttle.failed(`forged-${i}`, 0);
    expect(throttle.waitMs('anyone-new', 0)).toBe(FIRST_DELAY_MS);
  });
  it('keys clients by the last X-Forwarded-For entry', () => {
    expect(clientKey(new Headers({ 'x-forwarded-for': '1.1.1.1, 10.0.0.2' }))).toBe('10.0.0.2');
    expect(clientKey(new Headers())).toBe('unknown');
  });
});

describe('ingest storage status', () => {
  it('reports a refused write until a write succeeds, or for a while after the last refusal', () => {
    storageRecovered();
    expect(storageStatus(0)).toEqual({ writable: true });
    storageFailed('storage full', 1_000);
    storageFailed('storage full', 6_000);
    expect(storageStatus(6_000 + REPORT_FOR_MS)).toEqual({ writable: false, error: 'storage full', since: new Date(1_000).toISOString() });
    expect(storageStatus(6_001 + REPORT_FOR_MS)).toEqual({ writable: true });
    storageFailed('storage full', 7_000);
    storageRecovered();
    expect(storageStatus(7_000)).toEqual({ writable: true });
  });
});
