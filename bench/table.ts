import { formatSize } from "./corpus.js";
import type { BenchReport, SizeResult } from "./run.js";

const rate = (x: number) => (x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1));
const mb = (x: number) => String(Math.round(x));
const times = (x: number) => `${x.toFixed(2)}x`;

/** Ours over scikit-learn's: above 1 means safetag is faster. */
export function ratios(r: SizeResult): { predict: number; train: number } | undefined {
  const one = r.predict.find((p) => p.workers === 1);
  if (!r.sklearn || !one) return undefined;
  return { predict: one.perSecond / r.sklearn.predictPerSecond, train: r.sklearn.fitSeconds / r.train.seconds };
}

/** One row per corpus size; throughput in abstracts (or training rows) per second, memory as peak RSS. */
export function formatBenchTable(report: BenchReport): string[] {
  const workers = [...new Set(report.results.flatMap((r) => r.predict.map((p) => p.workers)))].sort((a, b) => a - b);
  const header = ["size", "train rows", "train s", "rows/s", "peak MB"];
  for (const w of workers) header.push(`predict ${w}w /s`, `peak MB`);
  if (workers.length > 1) header.push(`speed-up ${workers.at(-1)}w`, "same output");
  const withSklearn = report.results.some((r) => r.sklearn);
  if (withSklearn) header.push("sklearn fit s", "sklearn /s", "predict vs sklearn", "train vs sklearn");
  const rows = report.results.map((r) => {
    const row = [formatSize(r.size), formatSize(r.trainRows), r.train.seconds.toFixed(1), rate(r.train.perSecond), mb(r.train.maxRssMB)];
    for (const w of workers) {
      const p = r.predict.find((x) => x.workers === w);
      row.push(p ? rate(p.perSecond) : "", p ? mb(p.maxRssMB) : "");
    }
    if (workers.length > 1) {
      const first = r.predict.find((p) => p.workers === workers[0]);
      const last = r.predict.find((p) => p.workers === workers.at(-1));
      row.push(first && last ? times(last.perSecond / first.perSecond) : "", r.identicalAcrossWorkers ? "yes" : "NO");
    }
    if (withSklearn) {
      const q = ratios(r);
      row.push(r.sklearn ? r.sklearn.fitSeconds.toFixed(1) : "", r.sklearn ? rate(r.sklearn.predictPerSecond) : "", q
        ? times(q.predict) : "", q ? times(q.train) : "");
    }
    return row;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)];
}
