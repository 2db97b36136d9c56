'use client';

import { useEffect, useRef, type ReactNode } from 'react';

/** The groups recharts 3 draws its layers into (grid, bars, labels, cursor…), one per z-index. */
const LAYERS = 'g[class^="recharts-zIndex-layer_"]:not([tabindex])';

/**
 * A chart's frame: one image with a label to a screen reader, and no stop for the Tab key.
 *
 * Why no stop: a chart's exact figures are one Tab away already, in the folded table under it
 * (chart-data.tsx; the Sankey's flows and the time in status have their tables on the page), where
 * a screen reader reads each value with its row and column. The stop recharts offers (its
 * `accessibilityLayer`: the <svg> focusable as role="application", arrow keys moving the tooltip)
 * would give a sighted keyboard user one point at a time, and a screen reader nothing: inside
 * role="img" it has no name, and the tooltip it moves is not announced. So the charts set
 * `accessibilityLayer={false}`, and only real controls in a frame (`controls`, outside the image:
 * the Agent load legend's buttons) are stops. A frame that scrolls (the Sankey's, below 720 px) is
 * also one, the browser's own, for scrolling it with the arrow keys: it reads as the image, by name.
 *
 * Recharts 3 also draws each layer into a <g> that React renders into as a portal root, so React
 * listens for focus events on it, and Chromium makes an SVG element with focus listeners focusable:
 * 5 to 7 unnamed Tab stops a chart, some of no size, none with a visible focus (recharts#7805
 * dropped the tabindex="-1" that kept them out, as a bare <g> is not focusable; this one is not
 * bare). Each layer gets tabindex="-1" here as it appears (layers come as a chart's parts register).
 */
export function ChartFrame({ label, className, controls, children }: { label: string; className?: string; controls?: ReactNode; children: ReactNode }) {
  const image = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = image.current;
    if (!root) return;
    const untab = () => {
      for (const layer of root.querySelectorAll(LAYERS)) layer.setAttribute('tabindex', '-1');
    };
    untab();
    const observer = new MutationObserver(untab);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  const frame = `chart${className ? ` ${className}` : ''}`;
  if (!controls) {
    return (
      <div ref={image} className={frame} role="img" aria-label={label}>
        {children}
      </div>
    );
  }
  // Controls inside role="img" would be hidden from a screen reader (an image's content is not read).
  return (
    <div className={frame}>
      {controls}
      <div ref={image} role="img" aria-label={label}>
        {children}
      </div>
    </div>
  );
}
