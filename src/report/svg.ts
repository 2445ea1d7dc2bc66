/**
 * Small SVG building blocks for the HTML report. Every piece of text goes through `escapeHtml`
 * here, so chart code passes plain strings and cannot forget it. Coordinates are rounded to one
 * decimal to keep the file small and diffs readable.
 */
import { escapeHtml } from "./escape.js";

export type Attrs = Record<string, string | number | undefined>;

const r1 = (x: number): number => Math.round(x * 10) / 10;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(typeof v === "number" ? String(r1(v)) : (v as string))}"`)
    .join("");
}

export function svg(width: number, height: number, content: string, label: string, extra: Attrs = {}): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r1(width)}" height="${r1(height)}" viewBox="0 0 ${r1(width)} ${r1(height)}"` +
    `${attrs({ role: "img", "aria-label": label, ...extra })}>${content}</svg>`
  );
}

export function rect(x: number, y: number, width: number, height: number, a: Attrs = {}): string {
  return `<rect${attrs({ x, y, width: Math.max(0, width), height: Math.max(0, height), ...a })}/>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, a: Attrs = {}): string {
  return `<line${attrs({ x1, y1, x2, y2, ...a })}/>`;
}

export function circle(cx: number, cy: number, r: number, a: Attrs = {}): string {
  return `<circle${attrs({ cx, cy, r, ...a })}/>`;
}

export function polyline(points: [number, number][], a: Attrs = {}): string {
  return `<polyline${attrs({ points: points.map(([x, y]) => `${r1(x)},${r1(y)}`).join(" "), fill: "none", ...a })}/>`;
}

export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return `<text${attrs({ x, y, ...a })}>${escapeHtml(content)}</text>`;
}

/** A tooltip for the enclosing element (browsers show it on hover). */
export function title(content: string): string {
  return `<title>${escapeHtml(content)}</title>`;
}

export function group(content: string, a: Attrs = {}): string {
  return `<g${attrs(a)}>${content}</g>`;
}

/** Long category names are cut for the axis; the full name stays in the tooltip. */
export function clipLabel(label: string, max: number): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/**
 * A label broken at spaces into at most `maxLines` lines of at most `width` characters, so a
 * long category name takes two short lines instead of one long one. A word longer than a line
 * is cut; what does not fit in the last line ends in "…" (the full name stays in the tooltip).
 */
export function wrapLabel(label: string, width: number, maxLines: number): string[] {
  const words = label.split(/\s+/).filter((w) => w !== "").flatMap((w) => (w.length <= width ? [w] : w.match(new RegExp(`.{1,${width}}`, "gu")) ?? [w]));
  const lines: string[] = [];
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length <= maxLines) return lines.length === 0 ? [""] : lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${`${kept[maxLines - 1]} ${lines[maxLines]}`.slice(0, width - 1).trimEnd()}…`;
  return kept;
}

/** Lines of text stacked around (x, y): `tspan`s `lineHeight` apart, the block centred on y. */
export function textLines(x: number, y: number, content: readonly string[], lineHeight: number, a: Attrs = {}): string {
  const first = y - ((content.length - 1) * lineHeight) / 2;
  const spans = content.map((l, i) => `<tspan${attrs({ x, y: first + i * lineHeight })}>${escapeHtml(l)}</tspan>`).join("");
  return `<text${attrs({ x, y, ...a })}>${spans}</text>`;
}

/** A rough width of 13px system-font text; enough to lay out axis labels without a browser. */
export function textWidth(label: string, fontSize = 13): number {
  return label.length * fontSize * 0.62;
}

/** `share` in [0, 1] mixed from white towards `rgb`; the square root makes small shares visible. */
export function shade(rgb: readonly [number, number, number], share: number): string {
  const s = Math.sqrt(Math.min(1, Math.max(0, share)));
  const mix = rgb.map((c) => Math.round(255 + (c - 255) * s));
  return `rgb(${mix.join(",")})`;
}

/** Ticks at 0, .25, .5, .75, 1 on a 0–1 scale: the scale every figure in the report shares. */
export const UNIT_TICKS = [0, 0.25, 0.5, 0.75, 1];

export function fixed(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "–";
}
