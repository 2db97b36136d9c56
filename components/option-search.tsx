'use client';

import { useEffect, useRef, useState } from 'react';
import { foldName } from '@/lib/fold-name';

/**
 * A search box under a long multi-select of the filter bar (a large team's agents: 128 at a
 * million conversations): typing hides the options whose name does not contain the text; chosen
 * options stay visible, so a choice is never hidden from the one who made it. It also says how
 * many are chosen, which a list scrolled four rows at a time does not show.
 *
 * Case and accents are ignored as the lists sort names (foldName): "emile" finds "Émile", "bjorn"
 * finds "Bjørn". A text that finds nothing says so.
 *
 * Enter chooses the first option the text finds (and clears the box) instead of submitting the
 * form with a half-typed search.
 *
 * Drawn only once JavaScript runs (before, or without it, the plain select works as it always
 * did), and not a form field (no name), so the URL still holds only the choices.
 */
export function OptionSearch({ placeholder, label }: { placeholder: string; label: string }) {
  const [ready, setReady] = useState(false);
  const [chosen, setChosen] = useState(0);
  /** The text typed when it finds no option, to say so (the list then shows nothing, or only the chosen). */
  const [unmatched, setUnmatched] = useState<string | null>(null);
  const box = useRef<HTMLSpanElement>(null);
  const select = () => box.current?.parentElement?.querySelector('select') ?? null;

  useEffect(() => {
    setReady(true);
    const element = select();
    if (!element) return;
    const count = () => setChosen(element.selectedOptions.length);
    count();
    element.addEventListener('change', count);
    return () => element.removeEventListener('change', count);
  }, []);

  const filter = (text: string) => {
    const wanted = foldName(text.trim());
    let found = 0;
    for (const option of select()?.options ?? []) {
      const matches = foldName(option.text).includes(wanted);
      option.hidden = wanted !== '' && !option.selected && !matches;
      if (matches) found += 1;
    }
    setUnmatched(wanted !== '' && found === 0 ? text.trim() : null);
  };

  const chooseFirst = (input: HTMLInputElement) => {
    const wanted = foldName(input.value.trim());
    const element = select();
    const match = wanted === '' ? undefined : [...(element?.options ?? [])].find((option) => !option.selected && foldName(option.text).includes(wanted));
    if (!element || !match) return;
    match.selected = true;
    element.dispatchEvent(new Event('change', { bubbles: true }));
    input.value = '';
    filter('');
  };

  return (
    <span ref={box} className="option-search">
      {ready && (
        <>
          <input
            type="search"
            placeholder={placeholder}
            aria-label={`Find ${label}`}
            onChange={(e) => filter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              chooseFirst(e.currentTarget);
            }}
          />
          <span aria-live="polite">
            {[chosen > 0 ? `${chosen} chosen` : null, unmatched === null ? null : `none match “${unmatched}”`].filter(Boolean).join(' · ')}
          </span>
        </>
      )}
    </span>
  );
}
