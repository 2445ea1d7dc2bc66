import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/errors.js";
import { taxonomyFromCategories } from "../src/taxonomy/create.js";
import { loadTaxonomy, parseTaxonomy, saveTaxonomy, TAXONOMY_FORMAT } from "../src/taxonomy/file.js";
import { closestCategory } from "../src/taxonomy/names.js";
import { thrown } from "./thrown.js";

const tmp = mkdtempSync(path.join(tmpdir(), "safetag-taxonomy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


const file = (body: object) => JSON.stringify({ format: TAXONOMY_FORMAT, version: 1, ...body });

describe("taxonomy files", () => {
  it("save then load gives the same taxonomy, in a tagged and versioned file", () => {
    const taxonomy = {
      categories: [
        { name: "Robustness", description: "Models that keep working under attack or shift.", keyPhrases: ["adversarial", "jailbreak"] },
        { name: "Honest AI" },
      ],
    };
    const where = path.join(tmp, "sub", "taxonomy.json");
    saveTaxonomy(where, taxonomy);
    expect(JSON.parse(readFileSync(where, "utf8"))).toMatchObject({ format: TAXONOMY_FORMAT, version: 1 });
    const { source, ...loaded } = loadTaxonomy(where);
    expect(loaded).toEqual(taxonomy);
    expect(source).toBe(where); // a background path in it is relative to this file
  });

  it("builds a bare taxonomy from the categories found, once per name", () => {
    expect(taxonomyFromCategories(["Robustness", "Honest AI", "robustness ", ""])).toEqual({ categories: [{ name: "Robustness" }, { name: "Honest AI" }] });
  });

  it("E_TAXONOMY_READ: a file that cannot be read", () => {
    const error = thrown(() => loadTaxonomy(path.join(tmp, "missing.json")));
    expect(error.code).toBe("E_TAXONOMY_READ");
    expect(error.exitCode).toBe(EXIT.noInput);
    expect(error.hint).toContain("safetag ingest");
  });

  it("E_TAXONOMY_JSON: not JSON, with the line of the mistake", () => {
    const error = thrown(() => parseTaxonomy('{\n  "format": "safetag-taxonomy",\n  "version": 1,\n  "categories": [],\n}', "t.json"));
    expect(error.code).toBe("E_TAXONOMY_JSON");
    expect(error.message).toMatch(/^t\.json: not valid JSON/);
    expect(error.problems[0]).toMatchObject({ file: "t.json", line: 5 });
    const noPosition = thrown(() => parseTaxonomy('{"categories": [,]}', "t.json"));
    expect(noPosition.message).toMatch(/^t\.json: not valid JSON \(/);
    expect(noPosition.message).not.toContain("categories"); // the file's text is not repeated in the message
  });

  it("E_TAXONOMY_FORMAT: wrong tag, or a version newer than this program", () => {
    expect(thrown(() => parseTaxonomy(JSON.stringify({ categories: [] }), "t.json")).problems[0])
      .toMatchObject({ code: "E_TAXONOMY_FORMAT", column: "format" });
    const newer = thrown(() => parseTaxonomy(file({ version: 2, categories: [] }), "t.json"));
    expect(newer.problems[0]).toMatchObject({ code: "E_TAXONOMY_FORMAT", column: "version", value: "2", hint: "upgrade safetag to read this file" });
    const notList = thrown(() => parseTaxonomy(file({ categories: "Robustness" }), "t.json"));
    expect(notList.problems[0]).toMatchObject({ code: "E_TAXONOMY_FORMAT", column: "categories" });
  });

  it("E_TAXONOMY_ENTRY: every bad entry is reported together, with a did-you-mean for misspelt fields", () => {
    const error = thrown(() => parseTaxonomy(file({ categories: [{ name: "" }, { name: "Robustness", keyphrases: ["x"] }, "Honest AI"] }), "t.json"));
    expect(error.code).toBe("E_TAXONOMY_ENTRY");
    expect(error.problems.map((p) => [p.column, p.message])).toEqual([
      ["categories[0].name", "must be a non-empty string"],
      ["categories[1].keyphrases", "is not a category field"],
      ["categories[2]", "must be an object with a `name`"],
    ]);
    expect(error.problems[1]!.hint).toBe("did you mean `keyPhrases`?");
  });

  it("E_TAXONOMY_DUPLICATE: two names that differ only in case or spacing", () => {
    const error = thrown(() => parseTaxonomy(file({ categories: [{ name: "Honest AI" }, { name: "honest  ai" }] }), "t.json"));
    expect(error.problems).toEqual([expect.objectContaining({ code: "E_TAXONOMY_DUPLICATE", column: "categories[1].name", value: "honest  ai" })]);
  });

  it("accepts a byte-order mark", () => {
    writeFileSync(path.join(tmp, "bom.json"), `\uFEFF${file({ categories: [{ name: "Unlearning" }] })}`);
    expect(loadTaxonomy(path.join(tmp, "bom.json")).categories).toEqual([{ name: "Unlearning" }]);
  });
});

describe("closestCategory", () => {
  const names = ["Mechanistic interpretability", "Honest AI", "Power-seeking tendencies", "Robustness"];

  it("matches ignoring case and spacing first", () => {
    expect(closestCategory("honest ai", names)).toBe("Honest AI");
    expect(closestCategory("Power seeking  tendencies", names)).toBe("Power-seeking tendencies");
  });

  it("then the nearest by edit distance", () => {
    expect(closestCategory("Mechanistic interpretabilty", names)).toBe("Mechanistic interpretability");
    expect(closestCategory("Robustnes", names)).toBe("Robustness");
  });

  it("suggests nothing when nothing is near", () => {
    expect(closestCategory("Governance", names)).toBeUndefined();
    expect(closestCategory("x", [])).toBeUndefined();
  });
});
