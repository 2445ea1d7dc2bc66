/**
 * Shared test material for the ingest tests: where the seed paste and the independent reference
 * reading live, and a field-by-field comparison that names every difference.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Papa from "papaparse";
import type { LabeledAbstract } from "../src/domain.js";
import { toIsoDate } from "../src/ingest/dates.js";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The project is always checked out with ../shared beside it. */
export const sharedDir = path.resolve(projectRoot, "../shared");
export const seedPastePath = path.join(sharedDir, "seeds/001_65e12ee1781831be.txt");
export const referencePath = path.join(sharedDir, "reference/labeled.csv");

/** One row of reference/labeled.csv, as written there. */
export type ReferenceRow = Record<"id" | "row" | "company" | "title" | "date" | "url" | "category" | "abstract" | "duplicate" | "abstract_missing", string>;

export function readReference(): ReferenceRow[] {
  return Papa.parse<ReferenceRow>(readFileSync(referencePath, "utf8"), { header: true, skipEmptyLines: true }).data;
}

export type Comparable = Omit<LabeledAbstract, "sourceLine">;

/** The reference in our terms: ISO dates (theirs are `17-Jun-24`), booleans for the 0/1 flags. */
export function referenceAsRows(reference: readonly ReferenceRow[]): Comparable[] {
  return reference.map((r) => ({
    id: r.id,
    company: r.company,
    title: r.title,
    date: toIsoDate(r.date) ?? r.date,
    url: r.url,
    category: r.category,
    abstract: r.abstract,
    duplicate: r.duplicate === "1",
    abstractMissing: r.abstract_missing === "1",
  }));
}

export function comparable(rows: readonly LabeledAbstract[]): Comparable[] {
  return rows.map(({ sourceLine: _line, ...rest }) => rest);
}

const FIELDS: readonly (keyof Comparable)[] = ["company", "title", "date", "url", "category", "abstract", "duplicate", "abstractMissing"];

function squash(value: unknown): unknown {
  return typeof value === "string" ? value.replace(/\s+/g, " ").trim() : value;
}

function show(value: unknown): string {
  const s = JSON.stringify(value) ?? "undefined";
  return s.length > 90 ? `${s.slice(0, 89)}…` : s;
}

/**
 * Every difference between two row lists, matched by id, as readable lines
 * (`r14 title: expected "..." but got "..."`). Whitespace is normalised before comparing.
 */
export function rowDifferences(actual: readonly Comparable[], expected: readonly Comparable[]): string[] {
  const byId = new Map(actual.map((r) => [r.id, r]));
  const differences: string[] = [];
  for (const want of expected) {
    const got = byId.get(want.id);
    if (!got) {
      differences.push(`${want.id}: missing (expected ${show(want.title)})`);
      continue;
    }
    for (const field of FIELDS) {
      if (squash(got[field]) !== squash(want[field])) {
        differences.push(`${want.id} ${field}: expected ${show(want[field])} but got ${show(got[field])}`);
      }
    }
  }
  const expectedIds = new Set(expected.map((r) => r.id));
  for (const extra of actual.filter((r) => !expectedIds.has(r.id))) differences.push(`${extra.id}: not expected (${show(extra.title)})`);
  return differences;
}
