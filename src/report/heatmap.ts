/**
 * The confusion matrix as an SVG heatmap: rows are true categories, columns predicted (the
 * convention of `metrics.ts`), each cell showing its count and shaded by its share of the row.
 * Row shares, not raw counts, so a rare category's confusions are as visible as a common one's.
 * The diagonal (right answers) is blue and the rest red, so confusions stand out at a glance.
 * The counts are predictions pooled over the repeats; the column beside them counts each true
 * category's distinct papers once.
 *
 * Cells carry `data-t` / `data-p` (row and column index) and `data-count`; the page script uses
 * them to list the predictions behind a cell, and the browser test to find the cells.
 */
import type { ConfusionMatrix } from "../metrics/metrics.js";
import { group, rect, shade, svg, text, textLines, textWidth, title, wrapLabel } from "./svg.js";

const BLUE: [number, number, number] = [31, 95, 168];
const RED: [number, number, number] = [196, 64, 46];
/** Labels wrap onto two short lines, so ten categories fit an 800 px window (the tooltip has the full name). */
const ROW_LABEL_CHARS = 18;
const COLUMN_LABEL_CHARS = 16;
const LABEL_LINES = 2;
const LINE_HEIGHT = 14;

/**
 * `papers`: distinct papers per true category (the "papers" column); without it the column
 * shows the row's predictions.
 */
export function confusionHeatmap(confusion: ConfusionMatrix, repeats: number, papers?: readonly number[]): string {
  const labels = confusion.labels;
  const n = labels.length;
  const cell = n <= 10 ? 48 : n <= 20 ? 36 : 28;
  const rowLines = labels.map((l) => wrapLabel(l, ROW_LABEL_CHARS, LABEL_LINES));
  const columnLines = labels.map((l) => wrapLabel(l, COLUMN_LABEL_CHARS, LABEL_LINES));
  const widest = (all: string[][]): number => Math.max(40, ...all.flat().map((l) => textWidth(l)));
  const rowWidth = widest(rowLines);
  // Column labels are turned 45°: a label of width w rises w·√½ and reaches w·√½ to the right of its column.
  const rise = widest(columnLines) * Math.SQRT1_2 + LINE_HEIGHT;
  const left = 28 + rowWidth + 10;
  const top = 26 + rise + 10;
  const totalsWidth = 56;
  const width = left + n * cell + Math.max(totalsWidth, rise - cell / 2 + 4);
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
    const y = top - 10 - ((columnLines[j]?.length ?? 1) - 1) * LINE_HEIGHT * 0.5;
    parts.push(
      group(title(label) + textLines(x, y, columnLines[j] ?? [], LINE_HEIGHT, { transform: `rotate(-45 ${x} ${y})`, "font-size": 13 }), { class: "col-label" }),
    );
  });
  parts.push(
    text(left + n * cell + totalsWidth / 2, top - 8, papers ? "papers" : "predictions", { "text-anchor": "middle", "font-size": 12, fill: "#59636e" }));

  confusion.counts.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const y = top + t * cell;
    parts.push(
      group(title(label(labels, t)) +
        textLines(left - 8, y + cell / 2 + 4, rowLines[t] ?? [], LINE_HEIGHT, { "text-anchor": "end", "font-size": 13 }), { class: "row-label" }),
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
    const count = papers ? (papers[t] ?? 0) : total;
    const tip =
      `${label(labels, t)}: ${papers ? `${count} paper${count === 1 ? "" : "s"}, ` : ""}${total} ` +
        `prediction${total === 1 ? "" : "s"} over ${repeats} repeat${repeats === 1 ? "" : "s"}`;
    parts.push(
      group(title(tip) +
        text(left + n * cell + totalsWidth / 2, y + cell / 2 + 4, String(count),
          { "text-anchor": "middle", "font-size": 12, fill: "#59636e" }), { class: "row-total" }));
  });

  const what = `Confusion matrix pooled over ${repeats} repeat${repeats === 1 ? "" : "s"}: rows true, columns predicted`;
  return svg(width, height, parts.join(""), what, { class: "heatmap" });
}

function label(labels: readonly string[], i: number): string {
  return labels[i] ?? "";
}
