/**
 * The taxonomy file names the categories (and later their history). It is JSON with a format tag
 * and a version so that an older safetag refuses a newer file instead of misreading it.
 * Every problem in a file is collected and reported together.
 */
import { readFileSync } from "node:fs";
import type { InputProblem, Taxonomy, TaxonomyEntry } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic.js";
import { decodeText } from "../io/decode.js";
import { categoryKey, closestCategory, normalizeLabel, otherNames } from "./names.js";

export const TAXONOMY_FORMAT = "safetag-taxonomy";
export const TAXONOMY_VERSION = 1;

/** What is on disk: the domain Taxonomy plus the format tag and version. */
export interface TaxonomyFile extends Taxonomy {
  format: typeof TAXONOMY_FORMAT;
  version: number;
  description?: string;
}

const HINT =
  `a taxonomy file looks like ` +
    `{"format": "${TAXONOMY_FORMAT}", "version": ${TAXONOMY_VERSION}, "categories": [{"name": "Robustness", "description": "...", ` +
      `"keyPhrases": ["adversarial"]}]}`;

type FieldCheck = (value: unknown) => string | undefined;
const isString: FieldCheck = (v) => (typeof v === "string" ? undefined : "must be a string");
const isStringList: FieldCheck = (v) =>
  Array.isArray(v) && v.every((x) => typeof x === "string") ? undefined : "must be a list of strings";
const isName: FieldCheck = (v) => (typeof v === "string" && v.trim() !== "" ? undefined : "must be a non-empty string");
const isNameList = (min: number): FieldCheck => (v) =>
  Array.isArray(v) && v.length >= min && v.every((x) => isName(x) === undefined)
    ? undefined
    : `must be a list of ${min > 1 ? `at least ${min} ` : ""}category names`;

/**
 * The fields a category entry may have, with their checks. New fields (renamedFrom, mergedInto...)
 * are added here; anything not listed is reported, so a typo such as `keyphrases` is not silently ignored.
 */
const ENTRY_FIELDS: Record<string, FieldCheck> = {
  name: isName,
  description: isString,
  keyPhrases: isStringList,
  // The category's history (see changes.ts); cross-entry checks in historyProblems.
  renamedFrom: isNameList(1),
  mergedInto: isName,
  retired: (v) => (typeof v === "boolean" ? undefined : "must be true or false"),
  splitInto: isNameList(2),
  // The "not safety research" answer (see domain.ts).
  scope: (v) => (v === "outside" ? undefined : 'must be "outside" (the entry for abstracts that are not safety research)'),
  aliases: isNameList(1),
  background: (v) => (v === false || (typeof v === "string" && v.trim() !== "") ? undefined : "must be a file path relative to the taxonomy, or false"),
};
const TOP_FIELDS = ["format", "version", "description", "categories"];

/** Reads and validates a taxonomy file; throws a SafetagError listing every problem. */
export function loadTaxonomy(path: string): Taxonomy {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new SafetagError("E_TAXONOMY_READ", `${path}: cannot read the taxonomy file (${reason})`, {
      exitCode: EXIT.noInput,
      hint: "check the path, or run `safetag ingest` once to create the taxonomy from the labeled data",
    });
  }
  return { ...parseTaxonomy(decodeText(bytes, path), path), source: path }; // one decoding policy for every input (io/decode.ts)
}

export function saveTaxonomy(path: string, taxonomy: Taxonomy): void {
  writeFileAtomic(path, taxonomyToJson(taxonomy));
}

/** The file text for a taxonomy: stable key order, one category per block, trailing newline. */
export function taxonomyToJson(taxonomy: Taxonomy): string {
  const file: TaxonomyFile = {
    format: TAXONOMY_FORMAT,
    version: TAXONOMY_VERSION,
    categories: taxonomy.categories.map((c) => ({ ...c })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function parseTaxonomy(json: string, file: string): Taxonomy {
  let data: unknown;
  try {
    data = JSON.parse(json.replace(/^\uFEFF/, ""));
  } catch (e) {
    // V8 quotes the whole input in some messages ("Unexpected token ',', "{...}" is not valid JSON").
    const message = (e as Error).message.replace(/, "[\s\S]*" is not valid JSON$/, "");
    throw new SafetagError("E_TAXONOMY_JSON", `${file}: not valid JSON (${message})`, {
      problems: [{ code: "E_TAXONOMY_JSON", file, line: jsonErrorLine(json, message), message: "not valid JSON", value: message, hint: HINT }],
      hint: HINT,
    });
  }
  const problems = checkTopLevel(data, file);
  if (problems.length > 0) throw taxonomyError(file, problems);
  const categories = (data as { categories: unknown[] }).categories;
  const entryProblems = categories.flatMap((entry, i) => checkEntry(entry, i, file));
  if (entryProblems.length > 0) throw taxonomyError(file, entryProblems);
  const entries = categories.map((c) => c as Record<string, unknown>);
  const duplicates = duplicateNames(entries.map((c) => c.name as string), file);
  if (duplicates.length > 0) throw taxonomyError(file, duplicates);
  const taxonomy = { categories: entries.map(toEntry) };
  const history = historyProblems(taxonomy.categories, file);
  if (history.length > 0) throw taxonomyError(file, history);
  return taxonomy;
}

/** The format tag and version are checked first: a wrong format makes every other complaint noise. */
function checkTopLevel(data: unknown, file: string): InputProblem[] {
  const problem = (column: string, message: string, value?: unknown, hint = HINT): InputProblem => ({
    code: "E_TAXONOMY_FORMAT", file, column, message, value: value === undefined ? undefined : JSON.stringify(value), hint,
  });
  if (!isRecord(data)) return [problem("(file)", "the file must hold a JSON object")];
  if (data.format !== TAXONOMY_FORMAT) return [problem("format", `must be "${TAXONOMY_FORMAT}"`, data.format)];
  if (typeof data.version !== "number" || !Number.isInteger(data.version) || data.version < 1) {
    return [problem("version", "must be a whole number from 1", data.version)];
  }
  if (data.version > TAXONOMY_VERSION) {
    return [problem("version", `is newer than this safetag understands (${TAXONOMY_VERSION})`, data.version, "upgrade safetag to read this file")];
  }
  const problems: InputProblem[] = [];
  if (!Array.isArray(data.categories)) problems.push(problem("categories", "must be a list of categories", data.categories));
  if (data.description !== undefined && typeof data.description !== "string") problems.push(problem("description", "must be a string", data.description));
  for (const key of Object.keys(data).filter((k) => !TOP_FIELDS.includes(k))) {
    problems.push(problem(key, "is not a taxonomy field", undefined, unknownFieldHint(key, TOP_FIELDS)));
  }
  return problems;
}

function checkEntry(entry: unknown, index: number, file: string): InputProblem[] {
  const where = `categories[${index}]`;
  const problem = (column: string, message: string, value: unknown, hint = HINT): InputProblem => ({
    code: "E_TAXONOMY_ENTRY", file, column, message, value: value === undefined ? undefined : JSON.stringify(value), hint,
  });
  if (!isRecord(entry)) return [problem(where, "must be an object with a `name`", entry)];
  const problems: InputProblem[] = [];
  for (const [field, check] of Object.entries(ENTRY_FIELDS)) {
    const value = entry[field];
    if (value === undefined && field !== "name") continue;
    const complaint = check(value);
    if (complaint) problems.push(problem(`${where}.${field}`, complaint, value));
  }
  for (const key of Object.keys(entry).filter((k) => !(k in ENTRY_FIELDS))) {
    problems.push(problem(`${where}.${key}`, "is not a category field", undefined, unknownFieldHint(key, Object.keys(ENTRY_FIELDS))));
  }
  return problems;
}

function toEntry(raw: Record<string, unknown>): TaxonomyEntry {
  const entry: TaxonomyEntry = { name: normalizeLabel(raw.name as string) };
  if (typeof raw.description === "string") entry.description = raw.description;
  if (Array.isArray(raw.keyPhrases)) entry.keyPhrases = raw.keyPhrases as string[];
  if (Array.isArray(raw.renamedFrom)) entry.renamedFrom = (raw.renamedFrom as string[]).map(normalizeLabel);
  if (typeof raw.mergedInto === "string") entry.mergedInto = normalizeLabel(raw.mergedInto);
  if (typeof raw.retired === "boolean") entry.retired = raw.retired;
  if (Array.isArray(raw.splitInto)) entry.splitInto = (raw.splitInto as string[]).map(normalizeLabel);
  if (raw.scope === "outside") entry.scope = "outside";
  if (Array.isArray(raw.aliases)) entry.aliases = (raw.aliases as string[]).map(normalizeLabel);
  if (typeof raw.background === "string" || raw.background === false) entry.background = raw.background;
  return entry;
}

/**
 * The history fields must point somewhere real: an old name belongs to one category only, a
 * merge or split names categories of this file, a category is merged, split or retired (not
 * several at once), and following merges never comes back to where it started.
 */
function historyProblems(entries: readonly TaxonomyEntry[], file: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = (i: number, field: string, code: string, message: string, value: unknown, hint: string): void => {
    problems.push({ code, file, column: `categories[${i}].${field}`, message, value: JSON.stringify(value), hint });
  };
  const byKey = new Map<string, number>(entries.map((e, i) => [categoryKey(e.name), i]));
  const oldNames = new Map<string, number>();
  entries.forEach((e, i) => {
    for (const old of otherNames(e)) {
      const key = categoryKey(old);
      const owner = byKey.get(key) ?? oldNames.get(key);
      if (owner === i) continue; // its own name again: harmless
      if (owner !== undefined) {
        at(i, e.renamedFrom?.includes(old) ? "renamedFrom" : "aliases", "E_TAXONOMY_DUPLICATE",
          `names "${old}", which is already categories[${owner}] (${JSON.stringify(entries[owner]!.name)})`, old,
          byKey.get(key) === owner ? "a renamed category's old entry must go: remove it, or its rows stay there"
            : "an old name can belong to one category only");
      } else oldNames.set(key, i);
    }
  });
  const lookup = (name: string): number | undefined => byKey.get(categoryKey(name)) ?? oldNames.get(categoryKey(name));
  const names = entries.map((e) => e.name);
  const unknownTarget = (i: number, field: string, target: string): void => {
    const near = closestCategory(target, names);
    at(i, field, "E_TAXONOMY_CHANGE", `names "${target}", which is not a category of this file`, target,
      near ? `did you mean "${near}"?` : "add an entry for the new category (with a description and key phrases), then point to it");
  };
  const outside = entries.flatMap((e, i) => (e.scope === "outside" ? [i] : []));
  for (const i of outside.slice(1)) {
    at(i, "scope", "E_TAXONOMY_CHANGE",
      `only one category can be the "not safety research" answer (categories[${outside[0]}] is already)`,
        entries[i]!.name, 'keep `"scope": "outside"` on one entry');
  }
  entries.forEach((e, i) => {
    const changes = [e.mergedInto !== undefined && "mergedInto", e.retired === true && "retired", e.splitInto !== undefined && "splitInto"].filter(Boolean);
    if (changes.length > 1) {
      at(i, changes[1] as string, "E_TAXONOMY_CHANGE",
        `a category is merged, split or retired, not several at once (found ${changes.join(", ")})`, e.name, "keep the one change that happened");
    }
    if (e.mergedInto !== undefined) {
      const target = lookup(e.mergedInto);
      if (target === undefined) unknownTarget(i, "mergedInto", e.mergedInto);
      else if (target === i) at(i, "mergedInto", "E_TAXONOMY_CHANGE", "a category cannot be merged into itself",
        e.mergedInto, "name the category its rows now belong to");
    }
    for (const part of e.splitInto ?? []) {
      const target = lookup(part);
      if (target === undefined) unknownTarget(i, "splitInto", part);
      else if (target === i) at(i, "splitInto", "E_TAXONOMY_CHANGE", "a category cannot be split into itself", part,
        "name the new categories, each with an entry of its own");
    }
  });
  if (problems.length > 0) return problems;
  entries.forEach((e, i) => {
    const seen = new Set<number>([i]);
    for (let j = e.mergedInto === undefined ? undefined : lookup(e.mergedInto); j !== undefined; ) {
      if (seen.has(j)) {
        at(i, "mergedInto", "E_TAXONOMY_CHANGE",
          `merges go round in a circle (${[...seen, j].map((k) => entries[k]!.name).join(" -> ")})`, e.mergedInto,
            "one category of the circle must stay: remove its `mergedInto`");
        break;
      }
      seen.add(j);
      const next = entries[j]!.mergedInto;
      j = next === undefined ? undefined : lookup(next);
    }
  });
  return problems;
}

/** Two names that differ only in case or spacing would split one category in two. */
function duplicateNames(names: readonly string[], file: string): InputProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: InputProblem[] = [];
  names.forEach((name, i) => {
    const key = categoryKey(name);
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, i);
    else {
      problems.push({
        code: "E_TAXONOMY_DUPLICATE", file, column: `categories[${i}].name`, value: name,
        message: `repeats categories[${first}] (${JSON.stringify(names[first])})`,
        hint: "names are compared ignoring case, spaces, hyphens and underscores; keep one entry",
      });
    }
  });
  return problems;
}

function taxonomyError(file: string, problems: InputProblem[]): SafetagError {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return new SafetagError(first.code, `${file}: ${first.column ?? ""} ${first.message}${more}`, { problems, hint: first.hint });
}

function unknownFieldHint(key: string, known: readonly string[]): string {
  const near = closestCategory(key, known);
  return near ? `did you mean \`${near}\`?` : `known fields: ${known.join(", ")}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** 1-based line of a JSON.parse error, when the message gives a position. */
function jsonErrorLine(json: string, message: string): number | undefined {
  const m = /position (\d+)/.exec(message);
  if (!m) return undefined;
  return json.slice(0, Number(m[1])).split("\n").length;
}
