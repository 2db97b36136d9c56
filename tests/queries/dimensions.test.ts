import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { groups, sources } from '@/db/schema';
import { getFilterOptions } from '@/lib/queries/dimensions';

describe('filter options', () => {
  it('tells apart groups of the same name by the start of their id, and lists the sources table', () => {
    const db = openDatabase(':memory:');
    db.insert(groups)
      .values([
        { id: 'aaaaaaaa-1111', name: 'Billing', version: '1' },
        { id: 'bbbbbbbb-2222', name: 'Billing', version: '1' },
        { id: 'cccccccc-3333', name: 'Onboarding', version: '1' },
        { id: 'dddddddd-4444', name: null, version: '1' },
      ])
      .run();
    db.insert(sources).values([{ name: 'WHATSAPP' }, { name: 'LINE' }]).run();
    const options = getFilterOptions(db);
    expect(options.groups).toEqual([
      { id: 'aaaaaaaa-1111', name: 'Billing (aaaaaaaa)' },
      { id: 'bbbbbbbb-2222', name: 'Billing (bbbbbbbb)' },
      { id: 'dddddddd-4444', name: 'dddddddd-4444' },
      { id: 'cccccccc-3333', name: 'Onboarding' },
    ]);
    expect(options.sources).toEqual(['LINE', 'WHATSAPP']);
  });
});
