import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Papa from "papaparse";

/**
 * The taxonomy descriptions are prior evidence written in our own words. If they quoted the
 * labeled abstracts, cross-validation would score the model on text it had seen. No run of
 * five consecutive words of a description may appear in any labeled abstract or title.
 */
const root = join(__dirname, "..");
const words = (s: string) => s.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];
const shingles = (s: string, n: number) => {
  const w = words(s);
  return new Set(w.slice(0, Math.max(0, w.length - n + 1)).map((_, i) => w.slice(i, i + n).join(" ")));
};

describe("taxonomy descriptions", () => {
  const taxonomy =
    JSON.parse(readFileSync(join(root, "data", "taxonomy.json"), "utf8")) as { categories: { name: string; description?: string; keyPhrases?: string[] }[] };
  const labeled = Papa.parse<Record<string,
    string>>(readFileSync(join(root, "..", "shared", "reference", "labeled.csv"), "utf8"), { header: true, skipEmptyLines: true }).data;
  const corpus = new Set<string>();
  for (const r of labeled) for (const s of [...shingles(r.abstract ?? "", 5), ...shingles(r.title ?? "", 5)]) corpus.add(s);

  it("describe every category of the labeled data", () => {
    const described = new Set(taxonomy.categories.filter((c) => (c.description ?? "").length > 80 && (c.keyPhrases ?? []).length >= 5).map((c) => c.name));
    for (const c of new Set(labeled.map((r) => r.category!))) expect(described).toContain(c);
  });

  it("share no five-word run with any labeled abstract or title", () => {
    const leaks = taxonomy.categories.flatMap((c) => [...shingles(`${c.description ?? ""}`, 5)].filter((s) => corpus.has(s)).map((s) => `${c.name}: "${s}"`));
    expect(leaks).toEqual([]);
  });

  it("have key phrases of at most five words (terms, not sentences)", () => {
    const long = taxonomy.categories.flatMap((c) => (c.keyPhrases ?? []).filter((p) => words(p).length > 5));
    expect(long).toEqual([]);
  });
});
