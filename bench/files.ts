import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { csvLine } from "../src/io/csv.js";
import type { SyntheticAbstract } from "./corpus.js";

/** Writes lines as they come, waiting when the disk is behind, so a million-row corpus is never held whole. */
export async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path, { encoding: "utf8" });
  for (const line of lines) if (!out.write(line)) await once(out, "drain");
  out.end();
  await once(out, "finish");
}

/** Labeled rows as `safetag train` reads them: a CSV with id, category and abstract columns. */
export function* trainingCsv(corpus: Iterable<SyntheticAbstract>): Generator<string> {
  yield csvLine(["id", "category", "abstract"]);
  for (const r of corpus) yield csvLine([r.id, r.category, r.abstract]);
}

/** Unlabeled abstracts as a scraped dump: one `Abstract:` line each. */
export function* abstractDump(corpus: Iterable<SyntheticAbstract>): Generator<string> {
  for (const r of corpus) yield `Abstract: ${r.abstract}\n`;
}
