import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { openReadConnection, withCommitsPaused } from '@/db/read-connection';
import { exportWindows, EXPORT_WINDOWS } from '@/lib/reports/export-windows';
import { tempDir } from '../helpers/temp';

// A download's threads each read every other window of its range on a connection of its own
// (lib/reports/csv-worker.ts); the file is one snapshot only if they all read the same one.
describe('read connections of one download', () => {
  const setup = () => {
    const databasePath = path.join(tempDir('read-connection'), 'dashboard.db');
    const db = openDatabase(databasePath);
    db.$client.exec("create table t (n integer); insert into t values (1)");
    const count = (c: ReturnType<typeof openReadConnection>) => (c.db.$client.prepare('select count(*) as n from t').get() as { n: number }).n;
    return { databasePath, db, count };
  };

  it('read one snapshot when begun while commits are paused, whatever commits after', () => {
    const { databasePath, db, count } = setup();
    const first = openReadConnection(databasePath);
    const second = openReadConnection(databasePath);
    const other = openReadConnection(databasePath);
    try {
      const paused = withCommitsPaused(databasePath, 1000, () => {
        first.holdSnapshot();
        // A writer that does not wait is refused while commits are paused.
        db.$client.pragma('busy_timeout = 0');
        expect(() => db.$client.exec('insert into t values (2)')).toThrow(/locked|busy/i);
        second.holdSnapshot();
        return 'begun';
      });
      expect(paused).toEqual({ value: 'begun' });
      db.$client.exec('insert into t values (3)');
      // The two held snapshots are the same, before the insert; a connection not holding one sees it.
      expect([count(first), count(second), count(other)]).toEqual([1, 1, 2]);
      db.$client.exec('insert into t values (4)');
      expect([count(first), count(second), count(other)]).toEqual([1, 1, 3]);
    } finally {
      for (const c of [first, second, other]) c.close();
      db.$client.close();
    }
  });

  it('does not run when a write keeps the lock longer than it waits', () => {
    const { databasePath, db } = setup();
    db.$client.exec('BEGIN IMMEDIATE');
    let ran = false;
    try {
      expect(withCommitsPaused(databasePath, 50, () => (ran = true))).toBeNull();
      expect(ran).toBe(false);
    } finally {
      db.$client.exec('ROLLBACK');
    }
    expect(withCommitsPaused(databasePath, 50, () => (ran = true))).toEqual({ value: true });
    db.$client.close();
  });

  it('without a held snapshot, each query reads what is committed when it starts', () => {
    const { databasePath, db, count } = setup();
    const reader = openReadConnection(databasePath);
    try {
      expect(count(reader)).toBe(1);
      db.$client.exec('insert into t values (2)');
      expect(count(reader)).toBe(2);
    } finally {
      reader.close();
      db.$client.close();
    }
  });
});

describe('export windows', () => {
  it('cut a range into consecutive windows that cover it exactly, in order', () => {
    for (const [startMs, endMs] of [
      [Date.UTC(2026, 9, 1), Date.UTC(2026, 10, 1)],
      // A day of 23 hours (a DST change) and a year of Kathmandu days.
      [Date.UTC(2026, 2, 29) - 3_600_000, Date.UTC(2026, 2, 30) - 7_200_000],
      [Date.UTC(2025, 10, 1) - 20_700_000, Date.UTC(2026, 10, 1) - 20_700_000],
      [0, 5],
      [10, 10],
    ] as const) {
      const windows = exportWindows({ startMs, endMs });
      expect(windows.length).toBeGreaterThanOrEqual(1);
      expect(windows.length).toBeLessThanOrEqual(EXPORT_WINDOWS);
      expect(windows[0]!.startMs).toBe(startMs);
      expect(windows.at(-1)!.endMs).toBe(endMs);
      windows.slice(1).forEach((window, i) => expect(window.startMs).toBe(windows[i]!.endMs));
      if (endMs - startMs >= EXPORT_WINDOWS) for (const window of windows) expect(window.endMs).toBeGreaterThan(window.startMs);
    }
  });
});
