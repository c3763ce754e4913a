import type { Child } from 'hono/jsx';
import {
  chartId,
  DASHES,
  decimalsOf,
  FONT,
  FONT_NARROW,
  formatNumber,
  formatValue,
  niceScale,
  PALETTE,
  r2,
  shortLabel,
  shownLabels,
  textWidth,
} from './chart-scale.js';
import { dictionary, type Lang } from './i18n.js';

/**
 * Server-drawn SVG charts for the console. Why not a chart library: the console's CSP allows no inline
 * script or style, pages are server-rendered, and a bar or line chart with axes, a legend and tooltips
 * is ~200 lines of SVG; a library would add a client bundle, a render step in the browser and a
 * dependency to keep current, for no chart we need. Tooltips are SVG `<title>`s (hover, and read by
 * assistive tech), and every chart carries its numbers as a visually hidden table.
 */

/** One series: a name (legend, tooltips) and one value per label. A non-finite value (NaN) is "no value": no bar or point. */
export interface Series {
  name: string;
  values: number[];
}

interface ChartProps {
  /** Caption above the chart; also the accessible name of the SVG. */
  title: string;
  /** X labels (days, placements…), one per value. */
  labels: string[];
  series: Series[];
  lang: Lang;
  /** Appended to values in tooltips and the data table (`CNY`, `次`). */
  unit?: string;
  /** Height of the viewBox (its width is 600). @default 260 */
  height?: number;
}

const tr = dictionary({
  noData: ['暂无数据', 'No data yet'],
  label: ['类别', 'Label'],
});

const WIDTH = 600;
const AXIS_TEXT = '#5b6576';
const GRID = '#e3e7ee';
const BASELINE = '#8a93a3';

/**
 * Grouped bars (one bar per series in each label's slot), or `stacked` (one bar per label, series
 * on top of each other). Values are counts or amounts ≥ 0; negative values are drawn as 0.
 *
 * @example <BarChart title="Impressions per day" labels={['03-01', '03-02']} series={[{ name: 'home', values: [3, 5] }]} lang="en" stacked />
 */
export function BarChart(props: ChartProps & { stacked?: boolean }) {
  const { labels, series, lang, unit } = props;
  if (isEmpty(labels, series)) return <Empty title={props.title} lang={lang} />;
  const v = (s: Series, i: number) => {
    const x = s.values[i];
    return Number.isFinite(x) ? Math.max(0, x) : 0;
  };
  const max = props.stacked
    ? Math.max(...labels.map((_, i) => series.reduce((sum, s) => sum + v(s, i), 0)))
    : Math.max(...series.flatMap((s) => labels.map((_, i) => v(s, i))));
  const integers = series.every((s) => s.values.every((x) => !Number.isFinite(x) || Number.isInteger(x)));
  const f = frame({ labels, max, integers, lang, height: props.height, edges: false });
  const band = f.plotW / labels.length;
  const bars: Child[] = [];
  labels.forEach((label, i) => {
    const tip = (s: Series) => `${label} · ${s.name}: ${formatValue(s.values[i], lang, { unit })}`;
    if (props.stacked) {
      const w = Math.min(band * 0.7, 48);
      const x = f.left + i * band + (band - w) / 2;
      let acc = 0;
      series.forEach((s, si) => {
        const y0 = f.yOf(acc);
        acc += v(s, i);
        const y1 = f.yOf(acc);
        bars.push(
          <rect x={r2(x)} y={r2(y1)} width={r2(w)} height={r2(y0 - y1)} fill={PALETTE[si % PALETTE.length]}>
            <title>{tip(s)}</title>
          </rect>,
        );
      });
    } else {
      const w = Math.min((band * 0.8) / series.length, 48);
      const x0 = f.left + i * band + (band - w * series.length) / 2;
      series.forEach((s, si) => {
        const y = f.yOf(v(s, i));
        bars.push(
          <rect x={r2(x0 + si * w)} y={r2(y)} width={r2(w)} height={r2(f.baseY - y)} fill={PALETTE[si % PALETTE.length]}>
            <title>{tip(s)}</title>
          </rect>,
        );
      });
    }
  });
  return (
    <Figure {...props} frame={f} kind="bar">
      {bars}
    </Figure>
  );
}

/**
 * One line per series over the labels, a point (with its tooltip) per finite value; NaN breaks the
 * line (a day without impressions has no CTR). `percent`: values are fractions, shown as 12.5%.
 *
 * @example <LineChart title="CTR per model version" labels={days} series={[{ name: 'v3', values: [0.1, Number.NaN, 0.12] }]} lang="zh-CN" percent />
 */
export function LineChart(props: ChartProps & { percent?: boolean }) {
  const { labels, series, lang, unit, percent } = props;
  if (isEmpty(labels, series)) return <Empty title={props.title} lang={lang} />;
  const finite = series.flatMap((s) => s.values.slice(0, labels.length).filter(Number.isFinite));
  const integers = !percent && finite.every(Number.isInteger);
  const f = frame({ labels, max: Math.max(0, ...finite), integers, percent, lang, height: props.height, edges: true });
  const marks: Child[] = [];
  series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const points = labels.map((label, i) => {
      const value = s.values[i];
      return Number.isFinite(value) ? { x: f.xOf(i), y: f.yOf(Math.max(0, value)), label, value } : null;
    });
    // Runs of consecutive values are one polyline each.
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1)
        marks.push(
          <polyline points={run.join(' ')} fill="none" stroke={color} stroke-width="2.5" stroke-dasharray={DASHES[si % DASHES.length]} />,
        );
      run = [];
    };
    for (const p of points) {
      if (p) run.push(`${r2(p.x)},${r2(p.y)}`);
      else flush();
    }
    flush();
    for (const p of points)
      if (p)
        marks.push(
          <circle cx={r2(p.x)} cy={r2(p.y)} r="4" fill={color}>
            <title>{`${p.label} · ${s.name}: ${formatValue(p.value, lang, { percent, unit })}`}</title>
          </circle>,
        );
  });
  return (
    <Figure {...props} frame={f} kind="line">
      {marks}
    </Figure>
  );
}

/** No labels, no series, or nothing but zeros and gaps. */
function isEmpty(labels: string[], series: Series[]) {
  return labels.length === 0 || !series.some((s) => s.values.slice(0, labels.length).some((v) => Number.isFinite(v) && v !== 0));
}

function Empty(props: { title: string; lang: Lang }) {
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <p class="chart-empty">{tr(props.lang, 'noData')}</p>
    </figure>
  );
}

interface Frame {
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  baseY: number;
  height: number;
  ticks: { y: number; text: string }[];
  xLabels: { x: number; text: string }[];
  yOf(v: number): number;
  xOf(i: number): number;
}

/**
 * The plot area and axes. Margins are sized for the narrow font (see FONT_NARROW) so nothing
 * collides on a phone: the left one fits the widest tick label, and x labels are thinned to what
 * fits. `edges`: points sit on the plot's edges (lines) rather than in the middle of a slot (bars).
 */
function frame(o: {
  labels: string[];
  max: number;
  integers: boolean;
  percent?: boolean;
  lang: Lang;
  height?: number;
  edges: boolean;
}): Frame {
  const height = Math.max(120, o.height ?? 260);
  const scale = niceScale(o.max, 5, o.integers);
  const decimals = o.percent ? decimalsOf(scale.step * 100) : decimalsOf(scale.step);
  const tickText = (v: number) => (o.percent ? `${formatNumber(v * 100, o.lang, decimals)}%` : formatNumber(v, o.lang, decimals));
  const axisLabels = o.labels.map((l) => shortLabel(l));
  const widest = Math.max(...axisLabels.map((l) => textWidth(l)));
  // The first and last labels are centred on their points (lines) or slots (bars): half of one may stick out.
  const half = widest / 2;
  const left = Math.ceil(Math.max(Math.max(...scale.ticks.map((t) => textWidth(tickText(t)))) + 10, half + 4));
  const right = Math.ceil(Math.max(12, half + 4));
  const top = Math.ceil(FONT_NARROW / 2 + 4);
  const bottom = FONT_NARROW + 14;
  const plotW = WIDTH - left - right;
  const plotH = height - top - bottom;
  const n = o.labels.length;
  const baseY = top + plotH;
  const yOf = (v: number) => baseY - (v / scale.max) * plotH;
  const xOf = (i: number) => (o.edges ? (n === 1 ? left + plotW / 2 : left + (i * plotW) / (n - 1)) : left + (i + 0.5) * (plotW / n));
  const slot = o.edges ? plotW / Math.max(1, n - 1) : plotW / n;
  // Few long labels (placements) are cut to their slot, down to 6 characters, before any is dropped;
  // many short ones (days) are thinned.
  const fit = Math.max(6, Math.min(12, Math.floor((slot - 8) / textWidth('0'))));
  const cut = axisLabels.map((l) => shortLabel(l, fit));
  const shown = shownLabels(n, slot, Math.max(...cut.map((l) => textWidth(l))) + 8);
  return {
    left,
    top,
    plotW,
    plotH,
    baseY,
    height,
    yOf,
    xOf,
    ticks: scale.ticks.map((t) => ({ y: yOf(t), text: tickText(t) })),
    xLabels: cut.flatMap((text, i) => (shown[i] ? [{ x: xOf(i), text }] : [])),
  };
}

/** The figure around a chart: caption, SVG with grid and axes, legend, and the hidden data table. */
function Figure(props: ChartProps & { frame: Frame; kind: 'bar' | 'line'; percent?: boolean; children: Child }) {
  const { frame: f, title, labels, series, lang, unit, percent } = props;
  const id = chartId([title, ...series.map((s) => s.name)]);
  const right = f.left + f.plotW;
  const titleId = `${id}-title`;
  return (
    <figure class="chart">
      <figcaption id={titleId}>{title}</figcaption>
      {/* biome-ignore lint/a11y/noSvgWithoutTitle: named by aria-labelledby (the figcaption); the rule reads only literal ids */}
      <svg viewBox={`0 0 ${WIDTH} ${f.height}`} role="img" aria-labelledby={titleId} font-size={FONT}>
        <g class="grid">
          {f.ticks.map((t) => (
            <line x1={f.left} x2={right} y1={r2(t.y)} y2={r2(t.y)} stroke={t.y === f.baseY ? BASELINE : GRID} stroke-width="1" />
          ))}
        </g>
        <g class="y-axis" fill={AXIS_TEXT} text-anchor="end">
          {f.ticks.map((t) => (
            <text x={f.left - 6} y={r2(t.y)} dominant-baseline="middle">
              {t.text}
            </text>
          ))}
        </g>
        <g class="x-axis" fill={AXIS_TEXT} text-anchor="middle">
          {f.xLabels.map((l) => (
            <text x={r2(l.x)} y={f.baseY + 6} dominant-baseline="hanging">
              {l.text}
            </text>
          ))}
        </g>
        <g class="marks">{props.children}</g>
      </svg>
      <ul class="legend">
        {series.map((s, i) => (
          <li>
            <svg class="swatch" width="14" height="10" viewBox="0 0 14 10" aria-hidden="true">
              {props.kind === 'bar' ? (
                <rect width="14" height="10" rx="2" fill={PALETTE[i % PALETTE.length]} />
              ) : (
                <line
                  x1="0"
                  x2="14"
                  y1="5"
                  y2="5"
                  stroke={PALETTE[i % PALETTE.length]}
                  stroke-width="3"
                  stroke-dasharray={DASHES[i % DASHES.length]}
                />
              )}
            </svg>
            {s.name}
          </li>
        ))}
      </ul>
      {/* A table ignores width and overflow, so the hidden box is a div around it (else it widens the page). */}
      <div class="sr-only">
        <table class="sr-only">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{tr(lang, 'label')}</th>
              {series.map((s) => (
                <th scope="col">{s.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr>
                <th scope="row">{label}</th>
                {series.map((s) => (
                  <td>{formatValue(s.values[i], lang, { percent, unit })}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
