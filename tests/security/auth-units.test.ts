/** The pieces of access control on their own: the path rule, cookie signing, login throttling, storage status. */
import { describe, expect, it } from 'vitest';
import { accessFor } from '@/lib/auth/access-rules';
import { safeNext } from '@/lib/auth/login';
import { FIRST_DELAY_MS, FORGET_AFTER_MS, FREE_ATTEMPTS, GLOBAL_FREE_ATTEMPTS, LoginThrottle, MAX_DELAY_MS, clientKey } from '@/lib/auth/login-throttle';
import { signSession, verifySession } from '@/lib/auth/session';
import { isLoopbackHost } from '@/lib/auth/viewer';
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
    // Paths that resolve to begin with two slashes: another host to a browser.
    ['/.//evil.example', '/'],
    ['/..//evil.example', '/'],
    ['/%2e//evil.example', '/'],
    ['/./\\evil.example', '/'],
    ['/a/..//evil.example/x', '/'],
    ['/a/../agents', '/agents'],
    ['/\t/evil.example', '/'],
    ['/\n/evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['agents', '/'],
  ])('%j → %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe('isLoopbackHost: which Host headers open access answers', () => {
  it.each([
    ['localhost:3000', true],
    ['LOCALHOST', true],
    ['app.localhost:3000', true],
    ['127.0.0.1:3000', true],
    ['127.255.0.9', true],
    ['[::1]:3000', true],
    ['attacker.example:3000', false],
    ['localhost.attacker.example', false],
    ['127.0.0.1.attacker.example', false],
    ['0.0.0.0:3000', false],
    ['[::ffff:7f00:1]:3000', false],
    ['', false],
    [null, false],
  ])('%j → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
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
  it('forgets failures after a quiet spell, the site-wide count too: a typo days later locks nobody out', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < GLOBAL_FREE_ATTEMPTS + 3; i++) throttle.failed(`forged-${i}`, 0);
    const locked = throttle.waitMs('anyone', 0);
    expect(locked).toBe(8 * FIRST_DELAY_MS);
    // Still counted while failures keep coming within the spell: the next lock is longer.
    throttle.failed('typo', locked);
    expect(throttle.waitMs('anyone', locked)).toBe(16 * FIRST_DELAY_MS);
    const later = 10 * FORGET_AFTER_MS;
    throttle.failed('typo-days-later', later);
    expect(throttle.waitMs('anyone', later)).toBe(0);
    // A client's own record the same way.
    for (let i = 0; i < FREE_ATTEMPTS + 2; i++) throttle.failed('a', later);
    expect(throttle.waitMs('a', later)).toBe(4 * FIRST_DELAY_MS);
    throttle.failed('a', later + 2 * FORGET_AFTER_MS);
    expect(throttle.waitMs('a', later + 2 * FORGET_AFTER_MS)).toBe(0);
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
