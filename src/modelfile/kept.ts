/**
 * The models kept so far (not to be confused with models/kinds.ts, the model kinds). Every model
 * `train` and `run` write is also copied to `registry/<created>-<sha>.json` beside it, and listed
 * in `registry.json` with what it was trained on and how well it did, so that a retrained model
 * can be compared with the one before, and the one before restored by copying its file back.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Category, InputProblem } from "../domain.js";
import { EXIT, SafetagError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic.js";
import { withLock } from "../io/lock.js";
import { readTextFile } from "../io/decode.js";
import { sha256 } from "../io/hash.js";
import type { LoadedModel } from "./modelFile.js";
import { kindOfClassifier } from "../models/kinds.js";

export const MODEL_REGISTRY_FORMAT = "safetag-model-registry";
export const MODEL_REGISTRY_VERSION = 1;

export interface RegistryEntry {
  /** `<created as yyyymmddThhmmssZ>-<first 8 hex of the model file's SHA-256>`. */
  id: string;
  /** The kept copy, relative to the folder of registry.json. */
  file: string;
  /** Where the model was written when it was trained. */
  path: string;
  createdAt: string;
  /** The model kind that was fitted, and what was asked for when that differs ("auto"). */
  kind: string;
  requested?: string;
  titles: boolean;
  data: { path: string; sha256: string; rows: number; reviewed?: { path: string; sha256: string; rows: number } };
  categories: Category[];
  /** The chosen setting's inner cross-validation figures (training's own estimate). */
  training?: { folds: number; macroF1: number; accuracy: number };
  /** Cross-validated figures, when the model was evaluated (`run`). */
  evaluation?: { accuracy: number; macroF1: number; folds?: number; repeats?: number; seed?: number };
}

export interface RegistryIndex {
  format: typeof MODEL_REGISTRY_FORMAT;
  version: number;
  /** Id of the model most recently written: the one in use. */
  current?: string;
  /** Oldest first. */
  models: RegistryEntry[];
}

export function registryLocation(modelPath: string): { index: string; folder: string } {
  const dir = dirname(modelPath);
  return { index: join(dir, "registry.json"), folder: join(dir, "registry") };
}

export function emptyRegistry(): RegistryIndex {
  return { format: MODEL_REGISTRY_FORMAT, version: MODEL_REGISTRY_VERSION, models: [] };
}

/** The index at `path`; an empty one when there is none yet. */
export function loadRegistry(path: string): RegistryIndex {
  if (!existsSync(path)) return emptyRegistry();
  return parseRegistry(readTextFile(path, "the model registry"), path);
}

export function parseRegistry(text: string, file: string): RegistryIndex {
  const hint = "the index lists the kept models; delete it to start a new one (the copies in registry/ stay)";
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SafetagError("E_REGISTRY_FORMAT", `${file}: not valid JSON (${(e as Error).message})`, { hint });
  }
  const r = raw as Partial<RegistryIndex> | null;
  if (typeof r !== "object" || r === null || r.format !== MODEL_REGISTRY_FORMAT || !Array.isArray(r.models)) {
    throw new SafetagError("E_REGISTRY_FORMAT", `${file}: not a safetag model registry (expected "format": "${MODEL_REGISTRY_FORMAT}")`, { hint });
  }
  if (typeof r.version !== "number" || r.version > MODEL_REGISTRY_VERSION) {
    throw new SafetagError("E_REGISTRY_FORMAT",
      `${file}: registry version ${JSON.stringify(r.version)} is not one this safetag reads (${MODEL_REGISTRY_VERSION})`, { hint: "upgrade safetag" });
  }
  const problems = r.models.flatMap((m, i) => entryProblems(m, i, file));
  if (problems.length > 0) {
    throw new SafetagError("E_REGISTRY_FORMAT",
      `${file}: ${problems.length === 1 ? "an entry lacks a field or has one of the wrong kind" : `${problems.length} problems in its entries`}`, {
      problems,
      hint: "fix or remove those entries of the index (the copies in registry/ stay), or delete it to start a new one",
    });
  }
  return { format: MODEL_REGISTRY_FORMAT, version: r.version,
    ...(typeof r.current === "string" ? { current: r.current } : {}), models: r.models as RegistryEntry[] };
}

type FieldKind = "string" | "number" | "boolean" | "strings" | "object";
const ENTRY_FIELDS: [string, FieldKind, "required" | "optional"][] = [
  ["id", "string", "required"],
  ["file", "string", "required"],
  ["path", "string", "required"],
  ["createdAt", "string", "required"],
  ["kind", "string", "required"],
  ["requested", "string", "optional"],
  ["titles", "boolean", "required"],
  ["data", "object", "required"],
  ["data.path", "string", "required"],
  ["data.sha256", "string", "required"],
  ["data.rows", "number", "required"],
  ["data.reviewed", "object", "optional"],
  ["data.reviewed.path", "string", "required"],
  ["data.reviewed.sha256", "string", "required"],
  ["data.reviewed.rows", "number", "required"],
  ["categories", "strings", "required"],
  ["training", "object", "optional"],
  ["training.folds", "number", "required"],
  ["training.macroF1", "number", "required"],
  ["training.accuracy", "number", "required"],
  ["evaluation", "object", "optional"],
  ["evaluation.accuracy", "number", "required"],
  ["evaluation.macroF1", "number", "required"],
  ["evaluation.folds", "number", "optional"],
  ["evaluation.repeats", "number", "optional"],
  ["evaluation.seed", "number", "optional"],
];

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const KIND_OK: Record<FieldKind, (x: unknown) => boolean> = {
  string: (x) => typeof x === "string",
  number: (x) => typeof x === "number" && Number.isFinite(x),
  boolean: (x) => typeof x === "boolean",
  strings: (x) => Array.isArray(x) && x.every((c) => typeof c === "string"),
  object: isRecord,
};
const KIND_NAME: Record<FieldKind,
  string> = { string: "a string", number: "a number", boolean: "true or false", strings: "a list of strings", object: "an object" };

/**
 * What is wrong with entry `i` (0-based) of the index: every field `models` and `compare` read,
 * named with its path (`data.rows`). A field inside an optional section is checked only when the
 * section is there.
 */
function entryProblems(m: unknown, i: number, file: string): InputProblem[] {
  const hint = "each entry is written by `safetag train` or `safetag run`; fix the field or remove the entry";
  if (!isRecord(m)) return [{ code: "E_REGISTRY_ENTRY", file, message: `entry ${i + 1} is not an object`, value: JSON.stringify(m)?.slice(0, 80), hint }];
  const name = typeof m.id === "string" ? `entry ${i + 1} (id ${m.id})` : `entry ${i + 1}`;
  const problems: InputProblem[] = [];
  const absent = new Set<string>();
  for (const [path, kind, need] of ENTRY_FIELDS) {
    const dot = path.lastIndexOf(".");
    const parent = dot < 0 ? "" : path.slice(0, dot);
    if (parent && absent.has(parent)) {
      absent.add(path);
      continue;
    }
    const value = path.split(".").reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), m);
    if (value === undefined) {
      absent.add(path);
      if (need === "required") problems.push({ code: "E_REGISTRY_ENTRY", file, message: `${name}: field ${path} is missing`, hint });
    } else if (!KIND_OK[kind](value)) {
      absent.add(path); // its own fields are not reported as well
      problems.push(
        { code: "E_REGISTRY_ENTRY", file, message: `${name}: field ${path} must be ${KIND_NAME[kind]}`, value: JSON.stringify(value)?.slice(0, 80), hint });
    }
  }
  return problems;
}

/** `2026-11-24T10:15:30.123Z` -> `20261124T101530Z`: sorts by time, safe in a file name. */
export function compactTime(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[1]}${m[2]}${m[3]}T${m[4]}${m[5]}${m[6]}Z` : "undated";
}

/** Which model kind a model file is, from its training report, or from its classifier for older files. */
export function modelKindOf(model: LoadedModel): string {
  return model.report?.kind || kindOfClassifier(model.classifier);
}

export interface EntryContext {
  /** The model file's text, as written. */
  text: string;
  path: string;
  reviewed?: RegistryEntry["data"]["reviewed"];
}

export function registryEntry(model: LoadedModel, ctx: EntryContext): RegistryEntry {
  const id = `${compactTime(model.createdAt)}-${sha256(ctx.text).slice(0, 8)}`;
  const report = model.report;
  const kind = modelKindOf(model);
  const chosen = report?.selection.find((s) => s.priorWeight === report.priorWeight && (s.kind === undefined || s.kind === kind));
  const evaluation = model.evaluation as RegistryEntry["evaluation"] | undefined;
  return {
    id,
    file: `registry/${id}.json`,
    path: ctx.path,
    createdAt: model.createdAt,
    kind,
    ...(report?.requested && report.requested !== kind ? { requested: report.requested } : {}),
    titles: report?.titles ?? false,
    data: { ...model.training, ...(ctx.reviewed ? { reviewed: ctx.reviewed } : {}) },
    categories: [...model.categories],
    ...(report && chosen ? { training: { folds: report.innerFolds, macroF1: chosen.macroF1, accuracy: chosen.accuracy } } : {}),
    ...(evaluation && typeof evaluation.macroF1 === "number" && typeof evaluation.accuracy === "number"
      ? { evaluation: pick(evaluation, ["accuracy", "macroF1", "folds", "repeats", "seed"]) as RegistryEntry["evaluation"] }
      : {}),
  };
}

function pick(o: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
}

/** The index with `entry` added (or replaced, when the same model is kept twice) and made current. */
export function withEntry(index: RegistryIndex, entry: RegistryEntry): RegistryIndex {
  return { format: index.format, version: index.version, current: entry.id, models: [...index.models.filter((m) => m.id !== entry.id), entry] };
}

/**
 * Keeps a copy of the model about to be written to `modelPath` and lists it, before the model
 * itself is written there (see cli/keep.ts): a run killed in between leaves its model listed,
 * and the one at `modelPath` still in use (see `inUse`), never a model in use that is not listed.
 * The copy is of the file itself, so the kept model is byte-identical to the one that is used.
 *
 * Runs at once into one folder each add their entry: the copy has a name of its own, and the
 * index is read, changed and written holding the folder's lock (io/lock.ts).
 */
export function keepModel(modelPath: string, model: LoadedModel, text: string, reviewed?: EntryContext["reviewed"]): RegistryEntry {
  const where = registryLocation(modelPath);
  const entry = registryEntry(model, { text, path: modelPath, reviewed });
  writeFileAtomic(join(dirname(where.index), entry.file), text);
  withLock(`${where.index}.lock`, (assertHeld) => {
    const index = loadRegistry(where.index);
    assertHeld();
    writeFileAtomic(where.index, `${JSON.stringify(withEntry(index, entry), null, 2)}\n`);
  });
  return entry;
}

/** The first 8 hex of the SHA-256 of an entry's model file: the end of its id. */
const idHash = (id: string) => id.slice(id.lastIndexOf("-") + 1);

/**
 * The index with `current` set to the kept model in use: the most recently listed one whose
 * file at the path it was written to still holds its bytes (the path is taken beside
 * registry.json, where the index always is). The `current` recorded can be wrong: a run killed
 * after listing its model and before writing it, two runs writing one path at once, a model
 * file replaced by hand. None is current when no kept model is at its path.
 */
export function inUse(index: RegistryIndex, indexPath: string): RegistryIndex {
  const folder = dirname(indexPath);
  const hashes = new Map<string, string | undefined>();
  const hashAt = (path: string) => {
    if (!hashes.has(path)) {
      let hash: string | undefined;
      try {
        if (statSync(path).isFile()) hash = sha256(readFileSync(path));
      } catch {
        hash = undefined; // gone, or not readable: not in use
      }
      hashes.set(path, hash);
    }
    return hashes.get(path);
  };
  const used = [...index.models].reverse().find((m) => hashAt(join(folder, basename(m.path)))?.startsWith(idHash(m.id)));
  const { current: _recorded, ...rest } = index;
  return { ...rest, ...(used ? { current: used.id } : {}) };
}

/** Notes for `safetag models` below the list: no model in use, copies in registry/ the index does not list. */
export function registryNotes(index: RegistryIndex, indexPath: string): string[] {
  const notes: string[] = [];
  if (index.models.length > 0 && index.current === undefined) {
    const paths = [...new Set(index.models.map((m) => join(dirname(indexPath), basename(m.path))))];
    notes.push(
      `none of the kept models is in ` +
        `use: ${paths.join(", ")} ${paths.length === 1 ? "holds" : "hold"} none of them (replaced, removed, or written by a run that stopped first)`);
  }
  const listed = new Set(index.models.map((m) => basename(m.file)));
  let names: string[] = [];
  try {
    names = readdirSync(join(dirname(indexPath), "registry"));
  } catch {
    // no copies kept yet
  }
  for (const name of names.filter((n) => n.endsWith(".json") && !n.startsWith(".") && !listed.has(n)).sort()) {
    notes.push(`registry/${name} is not listed (a run stopped before listing it); it can still be used by its path`);
  }
  return notes;
}

/** A model named by id, by the start of an id, or `current`. */
export function findEntry(index: RegistryIndex, ref: string): RegistryEntry | undefined {
  if (ref === "current") return index.models.find((m) => m.id === index.current);
  const exact = index.models.find((m) => m.id === ref);
  if (exact) return exact;
  const starts = index.models.filter((m) => m.id.startsWith(ref));
  if (starts.length > 1) {
    throw new SafetagError("E_MODEL_AMBIGUOUS", `"${ref}" names ${starts.length} kept models (${starts.map((m) => m.id).join(", ")})`, {
      exitCode: EXIT.usage,
      hint: "give more of the id; `safetag models` lists them",
    });
  }
  return starts[0];
}
