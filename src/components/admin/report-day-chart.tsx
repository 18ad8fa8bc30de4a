/**
 * A per-day column chart drawn as inline SVG on the server: one column per UTC day, stacked by
 * series. The SVG is one image to assistive technology (role="img", a title and a summary); the
 * numbers themselves are in the table that follows it.
 */

export interface DaySeries {
  key: string;
  label: string;
  /** One value per day, in the order of `days`. */
  values: number[];
}

interface Props {
  id: string;
  title: string;
  /** One sentence summing the chart up, read out with it. */
  summary: string;
  days: string[];
  series: DaySeries[];
  /** The table's caption, e.g. "Passkeys registered per day". */
  caption: string;
}

const WIDTH = 400;
const HEIGHT = 220;
const LEFT = 34;
const RIGHT = 6;
const TOP = 10;
const BOTTOM = 26;

/** A round top for the axis: 1, 2, 5 or 10 times a power of ten, at least 1. */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** "2 Nov" from "2026-11-02". */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

export function ReportDayChart({ id, title, summary, days, series, caption }: Props) {
  const totals = days.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const top = niceMax(Math.max(0, ...totals));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(days.length, 1);
  const barWidth = slot > 4 ? slot * 0.75 : slot;
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const showSeries = series.length > 1;

  return (
    <figure className="report-chart" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {showSeries && (
        <ul className="report-legend" aria-hidden="true">
          {series.map((s, n) => (
            <li key={s.key}>
              <span className={`report-swatch report-s${n}`} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <svg
        className="report-svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={title}
        aria-describedby={descId}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={titleId}>{title}</title>
        <desc id={descId}>{summary}</desc>
        {[0, top / 2, top].map((tick) => (
          <g key={tick} className="report-grid">
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(tick)} y2={y(tick)} />
            <text x={LEFT - 4} y={y(tick) + 4} textAnchor="end">
              {Number.isInteger(tick) ? tick : ""}
            </text>
          </g>
        ))}
        {days.map((day, i) => {
          let base = 0;
          const x = LEFT + i * slot + (slot - barWidth) / 2;
          return (
            <g key={day}>
              {series.map((s, n) => {
                const value = s.values[i] ?? 0;
                if (value === 0) return null;
                const rect = (
                  <rect key={s.key} className={`report-s${n}`} x={x} width={barWidth} y={y(base + value)} height={y(base) - y(base + value)} />
                );
                base += value;
                return rect;
              })}
            </g>
          );
        })}
        {days.length > 0 && (
          <g className="report-axis">
            <text x={LEFT} y={HEIGHT - 6} textAnchor="start">
              {shortDay(days[0]!)}
            </text>
            {days.length > 2 && (
              <text x={LEFT + plotWidth / 2} y={HEIGHT - 6} textAnchor="middle">
                {shortDay(days[Math.floor(days.length / 2)]!)}
              </text>
            )}
            {days.length > 1 && (
              <text x={WIDTH - RIGHT} y={HEIGHT - 6} textAnchor="end">
                {shortDay(days.at(-1)!)}
              </text>
            )}
          </g>
        )}
      </svg>
      <details className="report-table-toggle">
        <summary>Show as table</summary>
        <div className="table-scroll" role="region" aria-label={`${caption}, table`} tabIndex={0}>
          <table className="report-table">
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                {series.map((s) => (
                  <th scope="col" key={s.key}>
                    {s.label}
                  </th>
                ))}
                {showSeries && <th scope="col">Total</th>}
              </tr>
            </thead>
            <tbody>
              {days.map((day, i) => (
                <tr key={day}>
                  <th scope="row">
                    <time dateTime={day}>{day}</time>
                  </th>
                  {series.map((s) => (
                    <td key={s.key}>{s.values[i] ?? 0}</td>
                  ))}
                  {showSeries && <td>{totals[i]}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
