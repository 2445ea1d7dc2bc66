/**
 * The confusion matrix as an SVG heatmap: rows are true categories, columns predicted (the
 * convention of `metrics.ts`), each cell showing its count and shaded by its share of the row.
 * Row shares, not raw counts, so a rare category's confusions are as visible as a common one's.
 * The diagonal (right answers) is blue and the rest red, so confusions stand out at a glance.
 *
 * Cells carry `data-t` / `data-p` (row and column index) and `data-count`; the page script uses
 * them to list the predictions behind a cell, and the browser test to find the cells.
 */
import type { ConfusionMatrix } from "../metrics/metrics.js";
import { clipLabel, group, rect, shade, svg, text, textWidth, title } from "./svg.js";

const BLUE: [number, number, number] = [31, 95, 168];
const RED: [number, number, number] = [196, 64, 46];
const LABEL_MAX = 34;

export function confusionHeatmap(confusion: ConfusionMatrix, repeats: number): string {
  const labels = confusion.labels;
  const n = labels.length;
  const cell = n <= 10 ? 48 : n <= 20 ? 36 : 28;
  const shown = labels.map((l) => clipLabel(l, LABEL_MAX));
  const longest = Math.max(40, ...shown.map((l) => textWidth(l)));
  // Column labels are turned 45° so long names fit above narrow columns.
  const left = 28 + longest + 10;
  const top = 26 + longest * Math.SQRT1_2 + 14;
  const totalsWidth = 56;
  const width = left + n * cell + totalsWidth + longest * Math.SQRT1_2;
  const height = top + n * cell + 12;
  const parts: string[] = [];

  parts.push(text(left + (n * cell) / 2, 16, "Predicted category", { "text-anchor": "middle", "font-weight": 600, "font-size": 13 }));
  parts.push(
    text(14, top + (n * cell) / 2, "True category", {
      "text-anchor": "middle",
      "font-weight": 600,
      "font-size": 13,
      transform: `rotate(-90 14 ${Math.round(top + (n * cell) / 2)})`,
    }),
  );
  labels.forEach((label, j) => {
    const x = left + j * cell + cell / 2;
    const y = top - 8;
    parts.push(
      group(title(label) + text(x, y, shown[j] ?? "", { transform: `rotate(-45 ${x} ${y})`, "font-size": 13 }), { class: "col-label" }),
    );
  });
  parts.push(text(left + n * cell + totalsWidth / 2, top - 8, "rows", { "text-anchor": "middle", "font-size": 12, fill: "#59636e" }));

  confusion.counts.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const y = top + t * cell;
    parts.push(
      group(title(label(labels, t)) + text(left - 8, y + cell / 2 + 4, shown[t] ?? "", { "text-anchor": "end", "font-size": 13 }), { class: "row-label" }),
    );
    row.forEach((count, p) => {
      const share = total === 0 ? 0 : count / total;
      const x = left + p * cell;
      const fill = count === 0 ? "#f6f8fa" : shade(t === p ? BLUE : RED, share);
      const ink = count === 0 ? "#b6bec8" : share > 0.45 ? "#ffffff" : "#1f2328";
      const tip = `True ${label(labels, t)}, predicted ${label(labels, p)}: ${count} of ${total} (${(share * 100).toFixed(0)}% of the row)`;
      parts.push(
        group(
          title(tip) +
            rect(x + 1, y + 1, cell - 2, cell - 2, { fill, rx: 3, class: "cell-bg" }) +
            text(x + cell / 2, y + cell / 2 + 5, String(count), { "text-anchor": "middle", "font-size": count >= 1000 ? 12 : 14, fill: ink, class: "count" }),
          {
            class: t === p ? "cell diag" : "cell",
            "data-t": t,
            "data-p": p,
            "data-count": count,
            tabindex: 0,
            role: "button",
            "aria-label": tip,
          },
        ),
      );
    });
    parts.push(text(left + n * cell + totalsWidth / 2, y + cell / 2 + 4, String(total), { "text-anchor": "middle", "font-size": 12, fill: "#59636e" }));
  });

  const what = `Confusion matrix pooled over ${repeats} repeat${repeats === 1 ? "" : "s"}: rows true, columns predicted`;
  return svg(width, height, parts.join(""), what, { class: "heatmap" });
}

function label(labels: readonly string[], i: number): string {
  return labels[i] ?? "";
}
