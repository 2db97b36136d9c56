'use client';

export type RangePreset = { label: string; href: string; from: string; to: string };

/**
 * The range presets (Today, 7, 30, 90 days). Each is a link to its range with the filters in force
 * (without JavaScript, or opened in a new tab); a plain click instead sets the form's From and To
 * and applies the form as it stands, so choices made in it and not yet applied are kept, as
 * Apply keeps them, rather than silently dropped.
 */
export function RangePresets({ presets }: { presets: readonly RangePreset[] }) {
  return (
    <div className="presets">
      {presets.map((preset) => (
        <a
          key={preset.label}
          href={preset.href}
          onClick={(event) => {
            if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
            const form = event.currentTarget.closest('form');
            const from = form?.elements.namedItem('from');
            const to = form?.elements.namedItem('to');
            if (!form || !(from instanceof HTMLInputElement) || !(to instanceof HTMLInputElement)) return;
            event.preventDefault();
            from.value = preset.from;
            to.value = preset.to;
            form.requestSubmit();
          }}
        >
          {preset.label}
        </a>
      ))}
    </div>
  );
}
