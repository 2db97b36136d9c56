/**
 * A chart's figures as a table, folded under it. The chart is one image with a label, which is all
 * a screen reader gets of it, and reading exact figures off bars or tooltips one day at a time is
 * slow for anyone: the table gives both every value the chart draws. Rendered with the page (a
 * closed <details> costs nothing to look at), sized by the chart's points, not by the data behind
 * them. No hooks: it renders inside the client chart components and on the server alike.
 */
export function ChartData({ what, head, rows }: { what: string; head: readonly string[]; rows: readonly (readonly string[])[] }) {
  return (
    <details className="chart-data">
      <summary>
        {what} as a table ({rows.length.toLocaleString('en')} row{rows.length === 1 ? '' : 's'})
      </summary>
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              {head.map((name, i) => (
                <th key={name} scope="col" className={i > 0 ? 'num' : undefined}>
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((cells) => (
              <tr key={cells[0]}>
                {cells.map((cell, i) =>
                  i === 0 ? (
                    <th key={i} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={i} className="num">
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
