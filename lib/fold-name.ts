/**
 * A name as people compare it: decomposed, marks dropped, lower case, and the Latin letters that
 * carry no separable mark spelt out as a plain keyboard types them (Øystein as oystein, Łukasz as
 * lukasz, Straße as strasse). One rule for sorting names (name_sort_key, db/client.ts) and for
 * finding them in the filter lists (components/option-search.tsx): "bjorn" finds "Bjørn", whom
 * the lists sort among the b's. Pure, so the browser's bundle takes it too.
 */
export function foldName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(NO_SEPARABLE_MARK, (letter) => LETTERS[letter]!);
}

const LETTERS: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ð: 'd', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't' };
const NO_SEPARABLE_MARK = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'g');
