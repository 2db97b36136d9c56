'use client';

import { useEffect, useRef, useState } from 'react';

/** Case and accents ignored: "emile" finds "Émile" (but not "Bjørn" from "bjorn": ø is a letter of its own). */
const folded = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

/**
 * A search box under a long multi-select of the filter bar (a large team's agents: 128 at a
 * million conversations): typing hides the options whose name does not contain the text; chosen
 * options stay visible, so a choice is never hidden from the one who made it. It also says how
 * many are chosen, which a list scrolled four rows at a time does not show.
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
    const wanted = folded(text.trim());
    for (const option of select()?.options ?? []) option.hidden = wanted !== '' && !option.selected && !folded(option.text).includes(wanted);
  };

  const chooseFirst = (input: HTMLInputElement) => {
    const wanted = folded(input.value.trim());
    const element = select();
    const match = wanted === '' ? undefined : [...(element?.options ?? [])].find((option) => !option.selected && folded(option.text).includes(wanted));
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
          {chosen > 0 && <span aria-live="polite">{chosen} chosen</span>}
        </>
      )}
    </span>
  );
}
