/**
 * The fresh-abstract section (evaluation/fresh.ts) as lines for the Markdown and terminal reports, and the
 * figures table every rendering (HTML too) shows: computed once, formatted here.
 */
import type { Fresh } from "../evaluation/fresh.js";

function share(count: number, of: number): string {
  return `${of === 0 ? "-" : `${((100 * count) / of).toFixed(1)}%`} (${count} of ${of})`;
}

/** [what, figure] rows, in the order every rendering shows them. */
export function freshFigures(f: Fresh): [string, string][] {
  const outside = f.outside ?? "not safety research";
  return [
    ["accuracy, every fresh abstract", f.report.accuracy.toFixed(3)],
    ["macro-F1, every fresh abstract", f.report.macro.f1.toFixed(3)],
    [`accuracy, safety papers only (${f.safety.rows})`, f.safety.accuracy.toFixed(3)],
    [`macro-F1, safety papers only`, f.safety.macroF1.toFixed(3)],
    ["labeled automatically (not sent to review)", share(f.automatic.count, f.automatic.of)],
    ["precision of the automatic labels", f.automatic.precision.toFixed(3)],
    [`non-safety abstracts given a safety category automatically`, share(f.outsideTaggedSafety.count, f.outsideTaggedSafety.of)],
    [`non-safety abstracts answered "${outside}" automatically`, share(f.outsideAnswered.count, f.outsideAnswered.of)],
    [`safety papers answered "${outside}"`, share(f.safetyCalledOutside.count, f.safetyCalledOutside.of)],
  ];
}

/** One sentence on what the set is, for every rendering. */
export function freshIntro(f: Fresh): string {
  return (
    `${f.rows} real abstracts from ${f.path}, labeled by us before any model saw them and in no training file` +
    (f.inTraining ? ` (${f.inTraining} more left out: their abstract is a training row)` : "") +
    `. The final model labels them as \`predict\` does; "automatic" means not sent to review. ` +
    `These are the figures to trust: cross-validation below scores the sheet, whose rows the taxonomy descriptions were written beside.`
  );
}

export function freshMarkdown(f: Fresh, md: (s: string) => string): string[] {
  const labels = f.confusion.labels;
  const out = ["## Fresh abstracts", "", md(freshIntro(f)), "", "| Figure | Value |", "|---|---:|"];
  for (const [what, value] of freshFigures(f)) out.push(`| ${md(what)} | ${value} |`);
  out.push("", "| Category | Fresh abstracts | Predicted | Precision | Recall | F1 |", "|---|---:|---:|---:|---:|---:|");
  for (const c of f.report.perCategory) out.push(
    `| ${md(c.category)} | ${c.support} | ${c.predicted} | ${c.precision.toFixed(3)} | ${c.recall.toFixed(3)} | ${c.f1.toFixed(3)} |`);
  out.push("", "Confusion matrix of the fresh abstracts: rows true, columns predicted (numbered as in the legend).", "");
  out.push(`| True \\\\ Predicted | ${labels.map((_, i) => i + 1).join(" | ")} |`, `|---|${labels.map(() => "---:").join("|")}|`);
  f.confusion.counts.forEach((row, t) => out.push(`| ${t + 1}. ${md(labels[t] ?? "")} | ${row.join(" | ")} |`));
  out.push("");
  return out;
}

export function freshTerminal(f: Fresh, plain: (s: string) => string, width: number): string[] {
  const lines = [`fresh abstracts: ${f.rows} from ${plain(f.path)}, in no training file (the figures to trust)`];
  const name = Math.min(width - 24, Math.max(...freshFigures(f).map(([w]) => w.length)));
  for (const [what, value] of freshFigures(f)) lines.push(`  ${plain(what).slice(0, name).padEnd(name)}  ${value}`);
  const cat = Math.min(36, Math.max(8, ...f.report.perCategory.map((c) => plain(c.category).length)));
  lines.push(`  ${"category".padEnd(cat)}${"fresh".padStart(7)}${"prec".padStart(7)}${"recall".padStart(7)}${"F1".padStart(7)}`);
  for (const c of f.report.perCategory) {
    lines.push(
      `  ${plain(c.category).slice(0, cat).padEnd(cat)}${String(c.support).padStart(7)}` +
        `${c.precision.toFixed(3).padStart(7)}${c.recall.toFixed(3).padStart(7)}${c.f1.toFixed(3).padStart(7)}`);
  }
  return lines;
}
