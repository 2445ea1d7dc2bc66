/**
 * What format an output is written in: the one `--format` names, else the one its file name's
 * extension names. A name with no extension (`-`, /dev/stdout, a pipe, `out`) gets the command's
 * default. An extension that names a format the command does not write (`.json`, `.xlsx`, `.tsv`)
 * is a usage error before any work, never a file of another format under that name. Commands check
 * it after checkOutputs (paths.ts): an output that would replace an input is the graver mistake,
 * and is said first.
 */
import { basename, extname } from "node:path";
import { EXIT, SafetagError } from "../errors.js";

/** The extensions a command writes, each with its format, and the one to use when there is no extension. */
export interface OutputFormats<F extends string> {
  byExtension: Readonly<Record<string, F>>;
  /** Each format as a person calls it ("CSV", "JSON lines"). */
  names: Readonly<Record<F, string>>;
  fallback: F;
  /** "predictions", "the review queue": what is written, for the message. */
  what: string;
}

/** The option that names the output, and the one that chooses its format, when the command has one (`--format csv|jsonl`). */
export interface OutputOption {
  option: string;
  formatOption?: string;
}

/** The extension of `path` ("" when there is none: `-`, `out`, `.hidden`), lower case, without the dot. */
export function extensionOf(path: string): string {
  if (path === "-") return "";
  return extname(basename(path)).slice(1).toLowerCase();
}

/** The format given, else the one the extension names (the fallback without extension); undefined for an extension that names none. */
export function formatByName<F extends string>(path: string, given: F | undefined, formats: OutputFormats<F>): F | undefined {
  if (given !== undefined) return given;
  const ext = extensionOf(path);
  return ext === "" ? formats.fallback : formats.byExtension[ext];
}

/** As formatByName, and an extension that names no format is refused (E_OUTPUT_FORMAT, exit 2). */
export function outputFormat<F extends string>(path: string, given: F | undefined, formats: OutputFormats<F>, { option, formatOption }: OutputOption): F {
  const format = formatByName(path, given, formats);
  if (format !== undefined) return format;
  const ext = extensionOf(path);
  const known = Object.keys(formats.byExtension).map((e) => `.${e}`);
  const choose = formatOption ? `, or say which format with ${formatOption}` : "";
  throw new SafetagError("E_OUTPUT_FORMAT", `${option} ${path}: safetag writes ${formats.what} as ${describe(formats)}, and .${ext} is none of these`, {
    exitCode: EXIT.usage,
    hint: `name the file ${known.join(" or ")}${choose}${ext === "xlsx" || ext === "xls" ? "; a spreadsheet program opens the .csv" : ""}`,
  });
}

function describe<F extends string>(formats: OutputFormats<F>): string {
  const byFormat = new Map<F, string[]>();
  for (const [ext, f] of Object.entries(formats.byExtension) as [string, F][]) byFormat.set(f, [...(byFormat.get(f) ?? []), `.${ext}`]);
  return [...byFormat].map(([f, exts]) => `${formats.names[f]} (${exts.join(", ")})`).join(" or ");
}

/** `predict --output`, `run --predictions`. */
export const PREDICTION_FORMATS: OutputFormats<"csv" | "jsonl"> = {
  byExtension: { csv: "csv", jsonl: "jsonl", ndjson: "jsonl" },
  names: { csv: "CSV", jsonl: "JSON lines" },
  fallback: "csv",
  what: "predictions",
};

/** `ingest --output`, `run --labeled`: the canonical labeled CSV, the only format they write. */
export const LABELED_FORMATS: OutputFormats<"csv"> = {
  byExtension: { csv: "csv" },
  names: { csv: "CSV" },
  fallback: "csv",
  what: "the labeled rows",
};
