/**
 * A horizontal bar chart drawn as inline SVG on the server: one bar per category, split by
 * series, its name above it so long provider names fit a phone. One image to assistive technology
 * (role="img", a title and a summary); the numbers are in the table that follows it.
 */

export interface BarCategory {
  label: string;
  /** One value per series, in the order of `series`. */
  values: number[];
  /** This bar's colour class, when each category has a colour of its own (one series). */
  colorClass?: string;
}

interface Props {
  id: string;
  title: string;
  summary: string;
  caption: string;
  /** The first column's heading in the table, e.g. "Provider". */
  categoryHeading: string;
  series: Array<{ key: string; label: string }>;
  categories: BarCategory[];
  /** Draw each series in its own colour class (report-s<n>), or every bar in `colorClass`. */
  colorClass?: string;
}

const WIDTH = 400;
const ROW = 44;
const LABEL_HEIGHT = 16;
const BAR_HEIGHT = 18;
const VALUE_SPACE = 64;

export function ReportBarChart({ id, title, summary, caption, categoryHeading, series, categories, colorClass }: Props) {
  const totals = categories.map((c) => c.values.reduce((a, b) => a + b, 0));
  const top = Math.max(1, ...totals);
  const height = Math.max(ROW, categories.length * ROW) + 4;
  const plotWidth = WIDTH - VALUE_SPACE;
  const descId = `${id}-desc`;
  const showSeries = series.length > 1;

  return (
    <figure className="report-chart" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {showSeries && (
        <ul className="report-legend" aria-hidden="true">
          {series.map((s, n) => (
            <li key={s.key}>
              <span className={`report-swatch ${colorClass ?? `report-s${n}`}`} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <svg className="report-svg" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={title} aria-describedby={descId}>
        <title>{title}</title>
        <desc id={descId}>{summary}</desc>
        {categories.length === 0 && (
          <text className="report-axis" x={0} y={LABEL_HEIGHT + 4}>
            Nothing to show yet
          </text>
        )}
        {categories.map((category, row) => {
          const y = row * ROW;
          let x = 0;
          return (
            <g key={category.label}>
              <text className="report-label" x={0} y={y + LABEL_HEIGHT - 2}>
                {category.label}
              </text>
              {category.values.map((value, n) => {
                if (value === 0) return null;
                const width = (value / top) * plotWidth;
                const rect = (
                  <rect key={n} className={category.colorClass ?? colorClass ?? `report-s${n}`} x={x} y={y + LABEL_HEIGHT + 2} width={width} height={BAR_HEIGHT} />
                );
                x += width;
                return rect;
              })}
              <text className="report-value" x={x + 6} y={y + LABEL_HEIGHT + BAR_HEIGHT - 2}>
                {totals[row]!.toLocaleString("en-US")}
              </text>
            </g>
          );
        })}
      </svg>
      <details className="report-table-toggle">
        <summary>Show as table</summary>
        <div className="table-scroll" role="region" aria-label={`${caption}, table`} tabIndex={0}>
          <table className="report-table">
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{categoryHeading}</th>
                {series.map((s) => (
                  <th scope="col" key={s.key}>
                    {s.label}
                  </th>
                ))}
                {showSeries && <th scope="col">Total</th>}
              </tr>
            </thead>
            <tbody>
              {categories.map((category, row) => (
                <tr key={category.label}>
                  <th scope="row">{category.label}</th>
                  {category.values.map((value, n) => (
                    <td key={series[n]?.key ?? n}>{value.toLocaleString("en-US")}</td>
                  ))}
                  {showSeries && <td>{totals[row]!.toLocaleString("en-US")}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
