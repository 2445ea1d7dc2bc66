/**
 * The count line every command ends its reading with, built so that it adds up: rows read =
 * rows written (or used) + rows set aside, each kind of set-aside named. A reader who sees the
 * numbers add up knows no row went missing without a word.
 */
import type { LabeledAbstract } from "../domain.js";
import { leftOutRow, type IngestResult } from "./result.js";
import type { TrainingRows } from "./trainingRows.js";

export interface RowAccount {
  read: number;
  /** Written (ingest) or used for training (train, eval). */
  kept: number;
  /** What happened to the rest, in the order shown; zero counts are left out of the line. */
  setAside: { what: string; rows: number }[];
}

export function total(account: RowAccount): number {
  return account.kept + account.setAside.reduce((n, s) => n + s.rows, 0);
}

/** Ingest: every row read is written to the labeled CSV (flagged if need be) or left out with a problem. */
export function ingestAccount(result: IngestResult): RowAccount {
  const leftOut = result.problems.filter(leftOutRow).length;
  return { read: result.rows.length + leftOut, kept: result.rows.length, setAside: [{ what: "left out (see the problems above)", rows: leftOut }] };
}

/**
 * Train and eval: rows of the labeled file and of the reviewed file, against the rows a model
 * learns from. A reviewed row for an abstract the labeled file has relabels that row, so it is
 * counted as merged rather than used twice.
 */
export function trainingAccount(labeled: IngestResult, reviewed: IngestResult | undefined, prepared: TrainingRows): RowAccount {
  const merged: readonly LabeledAbstract[] = prepared.merge ? prepared.merge.rows : labeled.rows;
  const duplicates = merged.filter((r) => r.duplicate).length;
  const noAbstract = merged.filter((r) => !r.duplicate && r.abstractMissing).length;
  const reviewedRows = reviewed?.rows.length ?? 0;
  const leftOut = [...labeled.problems, ...(reviewed?.problems ?? [])].filter(leftOutRow).length;
  return {
    read: labeled.rows.length + reviewedRows + leftOut,
    kept: prepared.rows.length,
    setAside: [
      { what: "duplicates", rows: duplicates },
      { what: "without abstract", rows: noAbstract },
      { what: "set aside by the taxonomy", rows: prepared.usable - prepared.rows.length },
      { what: "left out while reading (see the problems)", rows: leftOut },
      { what: "reviews merged into their labeled row", rows: reviewedRows - (prepared.merge?.added ?? 0) },
    ],
  };
}

/** "82 rows read = 80 written + 2 left out (see the problems above)". */
export function formatAccount(account: RowAccount, keptAs: string): string {
  const parts = [`${account.kept} ${keptAs}`, ...account.setAside.filter((s) => s.rows !== 0).map((s) => `${s.rows} ${s.what}`)];
  const missing = account.read - total(account);
  if (missing !== 0) parts.push(`${missing} unaccounted for (a safetag bug: please report it)`); // never hide a gap
  return `${account.read} row${account.read === 1 ? "" : "s"} read = ${parts.join(" + ")}`;
}
