/**
 * Accepting a review round: the rows of a filled-in review queue whose `reviewer_category` is
 * set become labeled rows (in reviewed.csv, see ingest/reviewed.ts) with their provenance. It is
 * all or nothing: a label the taxonomy does not have, or one that contradicts an existing label
 * (unless forced), stops the whole round with every such problem listed, so a person fixes the
 * sheet once and accepts again; nothing is half-applied. The answers come from a CSV sheet
 * (parseReviewSheet, below) or an annotation tool's export (labelStudio.ts, prodigy.ts), checked
 * the same way here.
 */
import Papa from "papaparse";
import type { Category, InputProblem, LabeledAbstract, Taxonomy } from "../domain.js";
import { readCell } from "../io/csv.js";
import { chooseDelimiter, refuseDuplicateColumns } from "../io/header.js";
import { reviewId } from "../ingest/reviewed.js";
import { normalizeSpace } from "../ingest/result.js";
import { categoryKey, closestCategory } from "../taxonomy/names.js";
import { isActive } from "../taxonomy/active.js";
import { resolveCategory } from "../taxonomy/changes.js";
import { trainingRows } from "../ingest/trainingRows.js";
import { abstractKey } from "../text/normalize.js";
import { lookalikeDifferences } from "../text/lookalike.js";

/** One answer: a filled-in row of a review sheet, or an annotation tool's label for one task (toolAnswers.ts). */
export interface ReviewAnswer {
  /** 1-based row in the review sheet (the header is row 1); in a tool's export, the line where the task starts. */
  row: number;
  id: string;
  abstract: string;
  category: string;
  reviewer: string;
  /** Where the abstract came from: the queue's `file` and `line`. */
  source: string;
  /** How a person finds the answer in its file, when not by its row ("task 3 (Label Studio id 17)"). */
  place?: string;
  /** Where the label is, for problems, when not `reviewer_category` (an annotation tool's field). */
  column?: string;
  /** When the annotation tool says the label was given (ISO 8601 UTC); otherwise the day of acceptance is recorded. */
  reviewedAt?: string;
}

/** "row 7", or an annotation tool's own place for the answer. */
export const placeOf = (answer: ReviewAnswer) => answer.place ?? `row ${answer.row}`;
const columnOf = (answer: ReviewAnswer) => answer.column ?? "reviewer_category";

export interface ReviewSheet {
  answers: ReviewAnswer[];
  /** Rows left for later (no reviewer_category). */
  unanswered: number;
  problems: InputProblem[];
}

const key = (header: string) => header.replace(/^\uFEFF/, "").toLowerCase().replace(/[^a-z0-9]/g, "");
/** The columns accept reads, by key. */
const READ: ReadonlySet<string> = new Set(["abstract", "reviewer_category", "reviewer", "id", "file", "line"].map(key));
const REQUIRED = ["abstract", "reviewer_category"].map(key);
const readColumn = (header: string): string | undefined => (READ.has(key(header)) ? key(header) : undefined);

/** Reads a review sheet as `safetag review` wrote it, after a person (or a spreadsheet program) edited it. */
export function parseReviewSheet(text: string, file: string): ReviewSheet {
  const body = text.replace(/^\uFEFF/, "");
  // The delimiter under which the header names the columns: the rule every CSV reader shares.
  const delimiter =
    chooseDelimiter(body, (cells) => [REQUIRED.filter((c) => cells.some((h) => key(h) === c)).length, cells.filter((h) => readColumn(h)).length]);
  const parsed = Papa.parse<string[]>(body, { header: false, skipEmptyLines: "greedy", delimiter });
  const [header = [], ...records] = parsed.data;
  refuseDuplicateColumns(header, readColumn, file);
  const col = new Map(header.map((h, i) => [key(h), i]));
  const missing = ["abstract", "reviewer_category"].filter((c) => !col.has(key(c)));
  if (missing.length > 0) {
    return {
      answers: [],
      unanswered: 0,
      problems: [{
        code: "E_REVIEW_COLUMNS", file, line: 1, value: header.join(", "),
        message: `no ${missing.join(" or ")} column`,
        hint: "accept reads the CSV `safetag review` writes, with `reviewer_category` (and `reviewer`) filled in",
      }],
    };
  }
  const answers: ReviewAnswer[] = [];
  const problems: InputProblem[] = [];
  let unanswered = 0;
  records.forEach((cells, k) => {
    const row = k + 2;
    const cell = (name: string) => {
      const i = col.get(key(name));
      return i === undefined ? "" : readCell(cells[i] ?? "").trim();
    };
    const category = normalizeSpace(cell("reviewer_category"));
    if (category === "") {
      unanswered++;
      return;
    }
    const abstract = normalizeSpace(cell("abstract"));
    if (abstract === "") {
      problems.push(
        { code: "E_MISSING_CELL", file, line: row, column: "abstract", value: category,
          message: "a labeled row has no abstract", hint: "keep the abstract the queue wrote; it is what the label is for" });
      return;
    }
    const where = cell("file");
    const line = cell("line");
    answers.push({ row, id: cell("id"), abstract, category, reviewer: normalizeSpace(cell("reviewer")), source: where && line ? `${where}:${line}` : where });
  });
  return { answers, unanswered, problems };
}

export interface AcceptOptions {
  /** The labeled file's rows and the reviewed rows accepted so far. */
  labeled: readonly LabeledAbstract[];
  reviewed: readonly LabeledAbstract[];
  taxonomy?: Taxonomy;
  /** Let a reviewer's label replace a different existing one. */
  force: boolean;
  /** ISO date of acceptance (the core does not read the clock). */
  today: string;
  /** Reviewer for rows whose `reviewer` cell is empty. */
  reviewer?: string;
  file: string;
}

export interface Conflict {
  answer: ReviewAnswer;
  category: Category;
  existing: { id: string; category: Category };
}

export interface AcceptResult {
  /** The whole new content of reviewed.csv. */
  reviewed: LabeledAbstract[];
  added: LabeledAbstract[];
  /** Answers that were already the label (nothing to do), with why. */
  skipped: { answer: ReviewAnswer; reason: string }[];
  /** Answers that disagree with an existing label: refused, or written when forced. */
  conflicts: Conflict[];
  /** Added rows that give a label to a row the taxonomy had set aside (a split category, say): its id and why. */
  resolved: { row: LabeledAbstract; id: string; was: string }[];
  /** Labels that cannot be accepted; when any, nothing should be written. */
  problems: InputProblem[];
  /** Labels accepted as a category they only look like (another script's letter, an invisible character): said, not refused. */
  warnings: InputProblem[];
}

export function acceptReviews(answers: readonly ReviewAnswer[], opts: AcceptOptions): AcceptResult {
  const current = trainingRows(opts.labeled, opts.reviewed, opts.taxonomy);
  const labelOf = new Map<string, { id: string; category: Category }>();
  for (const r of current.rows) labelOf.set(abstractKey(r.abstract), { id: r.id, category: r.category });
  const setAside = new Map<string, { id: string; was: string }>();
  for (const s of current.changes?.setAside ?? []) setAside.set(abstractKey(s.row.abstract), { id: s.row.id, was: s.reason });
  const known = opts.taxonomy ? undefined : [...new Set(current.rows.map((r) => r.category))];

  const result: AcceptResult = { reviewed: [], added: [], skipped: [], conflicts: [], resolved: [], problems: [], warnings: [] };
  const answered = new Map<string, ReviewAnswer & { resolved: Category }>();
  for (const answer of answers) {
    const category = opts.taxonomy ? categoryFromTaxonomy(answer, opts.taxonomy, opts.file, result.problems)
      : categoryFromData(answer, known!, opts.file, result.problems);
    if (category === undefined) continue;
    const differences = lookalikeDifferences(answer.category);
    if (differences.length > 0) {
      result.warnings.push({
        code: "W_REVIEW_LOOKALIKE", file: opts.file, line: answer.row, column: columnOf(answer), value: answer.category,
        message: `${placeOf(answer)}: read as "${category}"; it looks the same but has ${differences.join(", ")}`,
        hint: `spell it "${category}" where the label is chosen`,
      });
    }
    const k = abstractKey(answer.abstract);
    const earlier = answered.get(k);
    if (earlier) {
      if (earlier.resolved !== category) {
        result.problems.push({
          code: "E_REVIEW_CONFLICT", file: opts.file, line: answer.row, column: columnOf(answer), value: answer.category,
          message: `the same abstract is labeled "${earlier.resolved}" in ${placeOf(earlier)}`, hint: "give one label per abstract",
        });
      } else result.skipped.push({ answer, reason: `same as ${placeOf(earlier)}` });
      continue;
    }
    answered.set(k, { ...answer, resolved: category });
    const existing = labelOf.get(k);
    if (existing && existing.category === category) {
      result.skipped.push({ answer, reason: `already labeled "${category}" (row ${existing.id})` });
      continue;
    }
    if (existing) {
      result.conflicts.push({ answer, category, existing });
      if (!opts.force) continue;
    }
    const row: LabeledAbstract = {
      id: reviewId(answer.abstract),
      company: "",
      title: "",
      date: "",
      url: "",
      category,
      abstract: answer.abstract,
      duplicate: false,
      abstractMissing: false,
      reviewer: answer.reviewer || opts.reviewer || "",
      reviewedAt: answer.reviewedAt ?? opts.today,
      ...(answer.source ? { source: answer.source } : {}),
    };
    result.added.push(row);
    const aside = setAside.get(k);
    if (aside) result.resolved.push({ row, ...aside });
  }
  if (!opts.force) {
    for (const c of result.conflicts) {
      result.problems.push({
        code: "E_REVIEW_CONFLICT", file: opts.file, line: c.answer.row, column: columnOf(c.answer), value: c.answer.category,
        message: `${c.answer.place ? `${c.answer.place}: ` : ""}the abstract is already labeled "${c.existing.category}" (row ${c.existing.id})`,
        hint: "check which label is right; accept with --force to let the reviewer's label win, or clear the cell",
      });
    }
  }
  const replaced = new Set(result.added.map((r) => abstractKey(r.abstract)));
  result.reviewed = [...opts.reviewed.filter((r) => !replaced.has(abstractKey(r.abstract))), ...result.added];
  return result;
}

/** The taxonomy's name for a reviewer's label: a spelling variant or an old name is fine, anything else is a problem. */
function categoryFromTaxonomy(answer: ReviewAnswer, taxonomy: Taxonomy, file: string, problems: InputProblem[]): Category | undefined {
  const s = resolveCategory(answer.category, taxonomy);
  if (s.status === "active") return s.category;
  const active = taxonomy.categories.filter(isActive).map((c) => c.name);
  const hint =
    s.status === "split" ? `it was split: pick one of ${s.into.map((n) => `"${n}"`).join(", ")}`
    : s.status === "retired" ? `it is retired: pick one of ${active.join(", ")}`
    : s.closest ? `did you mean "${s.closest}"?` : `pick one of ${active.join(", ")}, or add the category to the taxonomy file first`;
  problems.push({
    code: "E_REVIEW_CATEGORY", file, line: answer.row, column: columnOf(answer), value: answer.category,
    message: `${answer.place ? `${answer.place}: ` : ""}${s.status === "unknown" ? "category not in the taxonomy" : `category is ${s.status}`}`, hint,
  });
  return undefined;
}

/** Without a taxonomy the labeled data's categories are the list. */
function categoryFromData(answer: ReviewAnswer, names: readonly Category[], file: string, problems: InputProblem[]): Category | undefined {
  const same = names.find((n) => categoryKey(n) === categoryKey(answer.category));
  if (same) return same;
  const near = closestCategory(answer.category, names);
  problems.push({
    code: "E_REVIEW_CATEGORY", file, line: answer.row, column: columnOf(answer), value: answer.category,
    message: `${answer.place ? `${answer.place}: ` : ""}category not in the labeled data`, hint: near
      ? `did you mean "${near}"?` : `pick one of ${names.join(", ")}`,
  });
  return undefined;
}
