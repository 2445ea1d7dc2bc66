/**
 * The report's charts other than the heatmap. Every figure in the report is a share in [0, 1],
 * so all charts use the same 0–1 scale and can be compared by eye across sections.
 */
import { circle, clipLabel, fixed, group, line, polyline, rect, svg, text, textWidth, title, UNIT_TICKS } from "./svg.js";

export interface Bar {
  /** Series name, for the legend and the tooltip. */
  series: string;
  value: number;
  color: string;
  /** Drawn as a whisker across the bar (a bootstrap interval, or mean ± sd). */
  whisker?: { lower: number; upper: number; what: string };
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface ReferenceLine {
  label: string;
  value: number;
  color: string;
}

const BAR = 12;
const GAP = 12;
const PLOT = 440;
const LABEL_MAX = 32;

/** Horizontal grouped bars on a 0–1 scale, one group per label, with optional reference lines. */
export function barChart(groups: readonly BarGroup[], references: readonly ReferenceLine[], label: string): string {
  const series = uniqueSeries(groups);
  const left = Math.max(60, ...groups.map((g) => textWidth(clipLabel(g.label, LABEL_MAX)))) + 16;
  const legendHeight = 22 * Math.ceil((series.length + references.length) / 3);
  const top = legendHeight + 24;
  const heights = groups.map((g) => g.bars.length * BAR + GAP);
  const plotHeight = heights.reduce((a, b) => a + b, 0);
  const width = left + PLOT + 60;
  const height = top + plotHeight + 8;
  const x = (v: number): number => left + PLOT * Math.min(1, Math.max(0, v));
  const parts: string[] = [];

  legend([...series.map((s) => ({ label: s.series, color: s.color, dashed: false })),
    ...references.map((r) => ({ label: r.label, color: r.color, dashed: true }))], left, parts);
  for (const t of UNIT_TICKS) {
    parts.push(line(x(t), top - 4, x(t), top + plotHeight, { stroke: "#e6eaef" }));
    parts.push(text(x(t), top - 8, t.toFixed(2), { "text-anchor": "middle", "font-size": 11, fill: "#59636e" }));
  }

  let y = top + GAP / 2;
  groups.forEach((g, gi) => {
    const blockHeight = g.bars.length * BAR;
    parts.push(group(title(g.label) + text(left - 10, y + blockHeight / 2 + 4, clipLabel(g.label, LABEL_MAX), { "text-anchor": "end", "font-size": 13 })));
    g.bars.forEach((b, bi) => {
      const by = y + bi * BAR;
      const tip = `${g.label}: ${b.series} ${fixed(b.value)}` + (b.whisker ? ` (${b.whisker.what} ${fixed(b.whisker.lower)}–${fixed(b.whisker.upper)})` : "");
      let content = title(tip) + rect(left, by + 1, x(b.value) - left, BAR - 2, { fill: b.color });
      if (b.whisker) {
        const wy = by + BAR / 2;
        // Drawn twice, wide and white under thin and dark, so it stays visible over a dark bar.
        for (const [stroke, width] of [["#ffffff", 3.5], ["#1f2328", 1.5]] as const) {
          content +=
            line(x(b.whisker.lower), wy, x(b.whisker.upper), wy, { stroke, "stroke-width": width }) +
            line(x(b.whisker.lower), wy - 4, x(b.whisker.lower), wy + 4, { stroke, "stroke-width": width }) +
            line(x(b.whisker.upper), wy - 4, x(b.whisker.upper), wy + 4, { stroke, "stroke-width": width });
        }
      }
      const labelX = Math.max(x(b.value), b.whisker ? x(b.whisker.upper) : 0) + 4;
      content += text(labelX, by + BAR - 2, fixed(b.value, 2), { "font-size": 10, fill: "#59636e" });
      parts.push(group(content, { class: "bar", "data-group": gi }));
    });
    y += blockHeight + GAP;
  });
  for (const r of references) {
    parts.push(
      group(title(
        `${r.label}: ${fixed(r.value)}`) +
          line(x(r.value), top - 2, x(r.value), top + plotHeight, { stroke: r.color, "stroke-width": 1.5, "stroke-dasharray": "5 3" })));
  }
  return svg(width, height, parts.join(""), label, { class: "bars" });
}

function uniqueSeries(groups: readonly BarGroup[]): { series: string; color: string }[] {
  const seen = new Map<string, string>();
  for (const g of groups) for (const b of g.bars) if (!seen.has(b.series)) seen.set(b.series, b.color);
  return [...seen].map(([series, color]) => ({ series, color }));
}

function legend(items: { label: string; color: string; dashed: boolean }[], left: number, parts: string[]): void {
  items.forEach((item, i) => {
    const lx = left + (i % 3) * 170;
    const ly = 6 + Math.floor(i / 3) * 22;
    parts.push(
      item.dashed
        ? line(lx, ly + 7, lx + 14, ly + 7, { stroke: item.color, "stroke-width": 2, "stroke-dasharray": "4 2" })
        : rect(lx, ly, 14, 14, { fill: item.color, rx: 2 }),
    );
    parts.push(text(lx + 20, ly + 12, clipLabel(item.label, 24), { "font-size": 12 }));
  });
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

/**
 * Reliability diagram: for each confidence bin, the share of predictions that were right (bar)
 * against the diagonal where confidence and accuracy agree. Bars below the diagonal mean the
 * model is over-confident there. The count sits above each bar: a bin of three proves little.
 */
export function reliabilityDiagram(bins: readonly ReliabilityBin[]): string {
  const size = 300;
  const left = 48;
  const top = 14;
  const x = (v: number): number => left + size * v;
  const y = (v: number): number => top + size * (1 - v);
  const parts: string[] = [];
  for (const t of UNIT_TICKS) {
    parts.push(line(x(0), y(t), x(1), y(t), { stroke: "#e6eaef" }));
    parts.push(text(left - 6, y(t) + 4, t.toFixed(2), { "text-anchor": "end", "font-size": 11, fill: "#59636e" }));
    parts.push(text(x(t), y(0) + 16, t.toFixed(2), { "text-anchor": "middle", "font-size": 11, fill: "#59636e" }));
  }
  for (const b of bins) {
    if (b.count === 0) continue;
    const tip =
      `confidence ${fixed(b.lower, 2)}–${fixed(b.upper, 2)}: ${b.count} predictions, mean confidence ${fixed(b.meanConfidence)}, accuracy ${fixed(b.accuracy)}`;
    parts.push(
      group(
        title(tip) +
          rect(x(b.lower) + 1, y(b.accuracy), x(b.upper) - x(b.lower) - 2, y(0) - y(b.accuracy), { fill: "#9ec5ec" }) +
          circle(x(b.meanConfidence), y(b.accuracy), 3.5, { fill: "#0b5cad" }) +
          text((x(b.lower) + x(b.upper)) / 2, y(b.accuracy) - 4, String(b.count), { "text-anchor": "middle", "font-size": 10, fill: "#59636e" }),
        { class: "bin" },
      ),
    );
  }
  // The diagonal goes over the bars: it is what each bar is read against.
  parts.push(line(x(0), y(0), x(1), y(1), { stroke: "#1f2328", "stroke-width": 1.2, "stroke-dasharray": "5 3" }));
  parts.push(text(x(0.5), y(0) + 34, "confidence", { "text-anchor": "middle", "font-size": 12 }));
  parts.push(text(12, y(0.5), "accuracy", { "text-anchor": "middle", "font-size": 12, transform: `rotate(-90 12 ${Math.round(y(0.5))})` }));
  return svg(left + size + 20, top + size + 44, parts.join(""), "Reliability diagram: accuracy against confidence per bin", { class: "reliability" });
}

export interface CurveSeries {
  label: string;
  color: string;
  points: { x: number; mean: number; sd: number }[];
}

/** Lines with ± sd whiskers on a 0–1 y scale; x is numeric (e.g. training rows). */
export function lineChart(series: readonly CurveSeries[], xLabel: string, label: string): string {
  const w = 440;
  const h = 240;
  const left = 48;
  const top = 34;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, xMin + 1);
  const x = (v: number): number => left + (w * (v - xMin)) / (xMax - xMin);
  const y = (v: number): number => top + h * (1 - Math.min(1, Math.max(0, v)));
  const parts: string[] = [];
  legend(series.map((s) => ({ label: s.label, color: s.color, dashed: false })), left, parts);
  for (const t of UNIT_TICKS) {
    parts.push(line(x(xMin), y(t), x(xMax), y(t), { stroke: "#e6eaef" }));
    parts.push(text(left - 6, y(t) + 4, t.toFixed(2), { "text-anchor": "end", "font-size": 11, fill: "#59636e" }));
  }
  for (const v of [...new Set(xs)]) parts.push(
    text(x(v), y(0) + 16, String(Math.round(v * 10) / 10), { "text-anchor": "middle", "font-size": 11, fill: "#59636e" }));
  for (const s of series) {
    parts.push(polyline(s.points.map((p) => [x(p.x), y(p.mean)]), { stroke: s.color, "stroke-width": 2 }));
    for (const p of s.points) {
      parts.push(
        group(
          title(`${s.label} at ${p.x}: ${fixed(p.mean)} ± ${fixed(p.sd)}`) +
            line(x(p.x), y(p.mean - p.sd), x(p.x), y(p.mean + p.sd), { stroke: s.color }) +
            circle(x(p.x), y(p.mean), 3.5, { fill: s.color }),
        ),
      );
    }
  }
  parts.push(text(left + w / 2, y(0) + 34, xLabel, { "text-anchor": "middle", "font-size": 12 }));
  return svg(left + w + 20, top + h + 44, parts.join(""), label, { class: "curve" });
}
