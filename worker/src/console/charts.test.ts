import { describe, expect, it } from 'vitest';
import { niceScale, shownLabels } from './chart-scale.js';
import { BarChart, LineChart } from './charts.js';

// The components are plain functions returning hono/jsx nodes; rendering is `toString()`. (A .ts file
// calls them directly: the workers project's test glob is `*.test.ts`.)
const render = async (node: unknown) => String(await node);

const days = (n: number) => Array.from({ length: n }, (_, i) => `03-${String(i + 1).padStart(2, '0')}`);
const count = (html: string, re: RegExp) => html.match(re)?.length ?? 0;
/** The `<rect>`s drawn for bars (the legend's swatches are inside `class="swatch"` svgs, after the plot). */
const barRects = (html: string) => [
  ...html.split('<ul class="legend">')[0].matchAll(/<rect [^>]*height="([\d.]+)"[^>]*><title>([^<]*)<\/title>/g),
];
const xLabels = (html: string) =>
  [...(/<g class="x-axis"[^>]*>(.*?)<\/g>/.exec(html)?.[1] ?? '').matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('niceScale', () => {
  it('rounds the axis up to 1, 2, 2.5 or 5 × 10ⁿ steps, whole steps for counts', () => {
    expect(niceScale(8)).toEqual({ max: 8, step: 2, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(93).ticks).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceScale(3, 5, true).ticks).toEqual([0, 1, 2, 3]);
    expect(niceScale(0.23).ticks).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25]);
  });
});

describe('BarChart', () => {
  const props = {
    title: 'Impressions',
    labels: ['03-01', '03-02', '03-03'],
    series: [
      { name: 'home', values: [3, 5, 8] },
      { name: 'cart', values: [1, 0, 2] },
    ],
    lang: 'en' as const,
  };

  it('draws y ticks at round numbers, a legend with every series, and one <title> per bar', async () => {
    const html = await render(BarChart({ ...props, unit: 'views' }));
    expect(html).toMatch(
      /^<figure class="chart"><figcaption id="(chart-\w+)-title">Impressions<\/figcaption><svg viewBox="0 0 600 260" role="img" aria-labelledby="\1-title"/,
    );
    const ticks = [...(/<g class="y-axis"[^>]*>(.*?)<\/g>/.exec(html)?.[1] ?? '').matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '2', '4', '6', '8']);
    expect(xLabels(html)).toEqual(['03-01', '03-02', '03-03']);
    const legend = /<ul class="legend">(.*?)<\/ul>/.exec(html)![1];
    expect([...legend.matchAll(/<\/svg>([^<]+)<\/li>/g)].map((m) => m[1])).toEqual(['home', 'cart']);
    const bars = barRects(html);
    expect(bars).toHaveLength(6);
    expect(count(html, /<title>/g)).toBe(6);
    expect(bars.map((b) => b[2])).toContain('03-03 · home: 8 views');
    expect(bars.map((b) => b[2])).toContain('03-02 · cart: 0 views');
    // The hidden table carries the same numbers.
    expect(html).toContain('<table class="sr-only"><caption>Impressions</caption>');
    expect(html).toContain('<tr><th scope="row">03-03</th><td>8 views</td><td>2 views</td></tr>');
  });

  it('stacks series: the segments of a label add up to the bar of their sum', async () => {
    const stacked = barRects(await render(BarChart({ ...props, stacked: true })));
    const totals = barRects(
      await render(
        BarChart({
          ...props,
          series: [
            { name: 'all', values: [4, 5, 10] },
            { name: 'zero', values: [0, 0, 0] },
          ],
          stacked: true,
        }),
      ),
    );
    const heightOf = (bars: typeof stacked, label: string) =>
      bars.filter((b) => b[2].startsWith(`${label} ·`)).reduce((sum, b) => sum + Number(b[1]), 0);
    for (const label of props.labels) expect(heightOf(stacked, label)).toBeCloseTo(heightOf(totals, label), 1);
    // 10 (3rd day) is the top of a 0…10 axis: its stack fills the plot height.
    const ticks = /<g class="y-axis"[^>]*>(.*?)<\/g>/.exec(await render(BarChart({ ...props, stacked: true })))![1];
    expect(ticks).toContain('>10</text>');
    expect(heightOf(stacked, '03-03')).toBeGreaterThan(heightOf(stacked, '03-01') * 2);
  });

  it('shows "no data yet" when there are no labels or only zeros, in both languages', async () => {
    const zeros = await render(BarChart({ ...props, series: [{ name: 'home', values: [0, 0, 0] }] }));
    expect(zeros).toContain('<p class="chart-empty">No data yet</p>');
    expect(zeros).not.toContain('<svg');
    const none = await render(BarChart({ ...props, labels: [], lang: 'zh-CN' }));
    expect(none).toContain('暂无数据');
    expect(await render(BarChart({ ...props, series: [] }))).toContain('No data yet');
  });

  it('escapes a <script> in a series name, a label and the title', async () => {
    const evil = '<script>alert(1)</script>';
    const html = await render(BarChart({ ...props, title: evil, labels: [evil, 'b'], series: [{ name: evil, values: [1, 2] }] }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('thins 30 day labels so they fit at phone width, always keeping the newest', async () => {
    const labels = days(30);
    const html = await render(BarChart({ ...props, labels, series: [{ name: 'home', values: labels.map((_, i) => i) }] }));
    const shown = xLabels(html);
    expect(shown.length).toBeGreaterThanOrEqual(4);
    expect(shown.length).toBeLessThanOrEqual(8);
    expect(shown.at(-1)).toBe('03-30');
    // Evenly spaced, and every bar still has its tooltip.
    const xs = [...html.matchAll(/<text x="([\d.]+)" y="[\d.]+" dominant-baseline="hanging">/g)].map((m) => Number(m[1]));
    const gaps = xs.slice(1).map((x, i) => x - xs[i]);
    // Each label is ~66 units wide at the narrow font (5 characters × 0.6 em × 22): gaps leave room.
    for (const g of gaps) expect(g).toBeGreaterThan(66);
    expect(barRects(html)).toHaveLength(30);
  });

  it('cuts a few long labels to fit their slot rather than dropping one; tooltips keep the whole label', async () => {
    const labels = ['home', 'product-detail-page-recommendations', 'cart'];
    const html = await render(BarChart({ ...props, labels, series: [{ name: 'n', values: [1, 2, 3] }] }));
    const shown = xLabels(html);
    expect(shown).toHaveLength(3);
    expect(shown[1]).toMatch(/^product-.{1,3}…$/);
    expect(html).toContain('<title>product-detail-page-recommendations · n: 2</title>');
  });

  it('shownLabels prints every label when they fit', () => {
    expect(shownLabels(5, 100, 60)).toEqual([true, true, true, true, true]);
    expect(shownLabels(5, 20, 60)).toEqual([false, true, false, false, true]);
  });
});

describe('LineChart', () => {
  it('draws percent ticks, one point with a <title> per finite value, and breaks the line at gaps', async () => {
    const html = await render(
      LineChart({
        title: 'CTR',
        labels: ['03-01', '03-02', '03-03', '03-04'],
        series: [
          { name: 'v1', values: [0.1, 0.2, Number.NaN, 0.15] },
          { name: 'v2', values: [0.05, 0.06, 0.07, 0.08] },
        ],
        lang: 'en',
        percent: true,
      }),
    );
    const ticks = [.../<g class="y-axis"[^>]*>(.*?)<\/g>/.exec(html)![1].matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['0%', '5%', '10%', '15%', '20%']);
    expect(count(html, /<circle /g)).toBe(7);
    expect(count(html, /<title>/g)).toBe(7);
    expect(html).toContain('<title>03-02 · v1: 20%</title>');
    // v1: one polyline for 03-01…03-02; 03-04 alone is a point. v2: one polyline.
    expect(count(html, /<polyline /g)).toBe(2);
    expect(html).toContain('<tr><th scope="row">03-03</th><td>–</td><td>7%</td></tr>');
    expect(html).toMatch(/<li><svg class="swatch"[^>]*><line [^>]*><\/line><\/svg>v1<\/li>/);
  });

  it('shows the empty state in Chinese when every value is missing or zero', async () => {
    const html = await render(
      LineChart({ title: '点击率', labels: ['03-01'], series: [{ name: 'v1', values: [Number.NaN] }], lang: 'zh-CN' }),
    );
    expect(html).toContain('暂无数据');
  });
});
