/** What applying the taxonomy's category changes did, grouped: as terminal lines, and in numbers for reports. */
import type { Category } from "../domain.js";
import type { SetAsideRow, TaxonomyApplication } from "./changes.js";

/** The application as terminal lines: relabelings and set-aside rows grouped, with the rows' ids. */
export function formatTaxonomyApplication(app: TaxonomyApplication, maxIds = 8): string[] {
  const summary = summarizeTaxonomyApplication(app);
  const rows = (n: number) => `${n} row${n === 1 ? "" : "s"}`;
  const ids = (list: readonly string[]) => list.slice(0, maxIds).join(", ") + (list.length > maxIds ? `, ... (${list.length - maxIds} more)` : "");
  return [
    ...summary.relabeled.map((r) => `taxonomy: ${r.change} "${r.from}" -> "${r.to}": ${rows(r.rows)}`),
    ...summary.setAside.map((s) => `taxonomy: ${rows(s.rows)} set aside, ${s.reason}: ${ids(s.ids)}`),
    ...app.warnings.map((w) => `taxonomy: ${w}`),
  ];
}

/** The application in numbers, for reports: what moved where, what was set aside and why. */
export interface TaxonomySummary {
  relabeled: { from: Category; to: Category; change: "renamed" | "merged"; rows: number }[];
  setAside: { kind: SetAsideRow["kind"]; reason: string; rows: number; ids: string[] }[];
}

export function summarizeTaxonomyApplication(app: TaxonomyApplication): TaxonomySummary {
  const relabeled = new Map<string, TaxonomySummary["relabeled"][number]>();
  for (const r of app.relabeled) {
    const k = JSON.stringify([r.from, r.row.category]);
    const entry = relabeled.get(k) ?? { from: r.from, to: r.row.category, change: r.change, rows: 0 };
    entry.rows++;
    relabeled.set(k, entry);
  }
  const setAside = new Map<string, TaxonomySummary["setAside"][number]>();
  for (const s of app.setAside) {
    const entry = setAside.get(s.reason) ?? { kind: s.kind, reason: s.reason, rows: 0, ids: [] };
    entry.rows++;
    entry.ids.push(s.row.id);
    setAside.set(s.reason, entry);
  }
  return { relabeled: [...relabeled.values()], setAside: [...setAside.values()] };
}
