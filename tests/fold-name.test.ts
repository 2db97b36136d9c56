import { describe, expect, it } from 'vitest';
import { foldName } from '@/lib/fold-name';

describe('names as people compare them (sorting and the filter lists’ search box)', () => {
  it('ignores case and accents, and spells out the letters Unicode does not decompose as a plain keyboard types them', () => {
    expect(['Émile Haddad', 'Bjørn Sato', 'Łukasz Nowak', 'Æsa Þórsdóttir', 'Straße', 'ĐORĐE', 'Kavya Mehta'].map(foldName)).toEqual([
      'emile haddad',
      'bjorn sato',
      'lukasz nowak',
      'aesa thorsdottir',
      'strasse',
      'dorde',
      'kavya mehta',
    ]);
    // The search box finds a name by any part of its folded form.
    expect(foldName('Bjørn Sato').includes(foldName('BJORN'))).toBe(true);
  });
});
