import { count } from '@/lib/format';
import { orderStatuses, type TransitionCell } from '@/lib/queries/transitions';
import styles from './transition-matrix.module.css';

const CREATED = '(created)';

/**
 * Transitions as a from × to table: a row per status left, a column per status entered, the count
 * in each cell, shaded by its share of the largest cell (one hue, so it reads without colour too).
 * A table rather than a chart: it stays readable at 390 px and every number is text.
 */
export function TransitionMatrix({ cells }: { cells: readonly TransitionCell[] }) {
  const froms = [...(cells.some((c) => c.from === null) ? [null] : []), ...orderStatuses(cells.flatMap((c) => (c.from === null ? [] : [c.from])))];
  const tos = orderStatuses(cells.map((c) => c.to));
  const max = Math.max(...cells.map((c) => c.transitions));
  const valueOf = (from: string | null, to: string) => cells.find((c) => c.from === from && c.to === to)?.transitions ?? 0;
  return (
    <div className="table-wrap">
      <table className={`data ${styles.matrix}`} aria-label="Status transitions in the range, from (rows) to (columns)">
        <thead>
          <tr>
            <th scope="col" className={styles.corner}>
              {/* Two lines when narrow, each whole: "from ↓ to" over "→" read as nothing. */}
              <span>from ↓</span> <span>to →</span>
            </th>
            {tos.map((to) => (
              <th key={to} scope="col" className="num">
                {to}
              </th>
            ))}
            <th scope="col" className="num">
              total
            </th>
          </tr>
        </thead>
        <tbody>
          {froms.map((from) => {
            const label = from ?? CREATED;
            return (
              <tr key={label}>
                <th scope="row">{label}</th>
                {tos.map((to) => {
                  const n = valueOf(from, to);
                  const share = n / max;
                  return (
                    <td
                      key={to}
                      className="num"
                      data-from={label}
                      data-to={to}
                      title={`${label} → ${to}: ${count(n)} transitions`}
                      style={n > 0 ? { background: `rgba(0, 114, 178, ${0.12 + 0.78 * share})`, color: share > 0.5 ? '#ffffff' : undefined } : undefined}
                    >
                      {n > 0 ? count(n) : '·'}
                    </td>
                  );
                })}
                <td className="num">{count(tos.reduce((sum, to) => sum + valueOf(from, to), 0))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
