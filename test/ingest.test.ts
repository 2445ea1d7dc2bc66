import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, describe, expect, it } from "vitest";
import type { LabeledAbstract } from "../src/domain.js";
import {
  detectLabeledFormat, formatIngestSummary, labeledToCsv, LABELED_COLUMNS, readLabeled, summarizeIngest, usableForTraining,
} from "../src/ingest/labeled.js";
import { parsePaste } from "../src/ingest/paste.js";
import { parseSheetExport } from "../src/ingest/sheet.js";
import { taxonomyFromCategories } from "../src/taxonomy/create.js";
import {
  comparable, projectRoot, readReference, referenceAsRows, referencePath, rowDifferences, seedPastePath, type ReferenceRow,
} from "./ingestFixtures.js";

const seedText = readFileSync(seedPastePath, "utf8");
const reference = readReference();
const seed = readLabeled(seedPastePath);

const tmp = mkdtempSync(path.join(tmpdir(), "safetag-ingest-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the seed paste against the independent reading (shared/reference/labeled.csv)", () => {
  it("agrees on every field of all 80 rows", () => {
    expect(reference).toHaveLength(80);
    // A non-empty list here names each row and field that differs.
    expect(rowDifferences(comparable(seed.rows), referenceAsRows(reference))).toEqual([]);
  });

  it("reads the paste without problems and finds the 9 categories in the data", () => {
    expect(seed.problems).toEqual([]);
    expect(seed.rows).toHaveLength(80);
    expect(seed.categories).toEqual([...new Set(reference.map((r) => r.category))].sort((a, b) => a.localeCompare(b, "en")));
  });

  it("lists the empty rows and skips the header row", () => {
    expect(seed.emptyRows).toEqual([471, 472, 473, 474, 475, ...Array.from({ length: 14 }, (_, i) => 478 + i)]);
    expect(seed.rows.some((r) => r.id === "r1")).toBe(false);
  });

  it("keeps 77 rows for training, as the reference folds do", () => {
    const usable = usableForTraining(seed.rows).map((r) => r.id);
    const referenceUsable = reference.filter((r) => r.duplicate === "0" && r.abstract_missing === "0").map((r) => r.id);
    expect(usable).toEqual(referenceUsable);
    expect(usable).toHaveLength(77);
  });

  it("points each row at the line of its row number", () => {
    const lines = seedText.split("\n");
    for (const row of seed.rows) expect(lines[row.sourceLine! - 1]).toBe(row.id.slice(1));
  });

  it("reads the copy in data/raw the same way", () => {
    const copy = readLabeled(path.join(projectRoot, "data/raw/001_65e12ee1781831be.txt"));
    expect(comparable(copy.rows)).toEqual(comparable(seed.rows));
  });

  it("gives the same rows when told the categories it found (as `safetag ingest` does on its first run)", () => {
    const again = readLabeled(seedPastePath, { taxonomy: taxonomyFromCategories(seed.categories) });
    expect(again.problems).toEqual([]);
    expect(comparable(again.rows)).toEqual(comparable(seed.rows));
  });

  it("gives the reference rows whatever mix of layouts the rows are pasted in", () => {
    const random = seededRandom(20240617);
    for (let trial = 0; trial < 25; trial++) {
      const result = parsePaste(pasteInMixedLayouts(reference, random), "mixed.txt");
      expect(result.problems).toEqual([]);
      expect(rowDifferences(comparable(result.rows), referenceAsRows(reference)), `trial ${trial}`).toEqual([]);
    }
  });

  it("reads CRLF line ends and a byte-order mark the same way", () => {
    const windows = readLabeled("paste.txt", { text: `\uFEFF${seedText.replace(/\n/g, "\r\n")}` });
    expect(comparable(windows.rows)).toEqual(comparable(seed.rows));
  });
});

/** Park-Miller: the same "random" layouts on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

function wrapLines(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line].join("\n");
}

/** The reference rows as a paste, each row in one of the layouts seen in real pastes, abstracts sometimes hard-wrapped. */
function pasteInMixedLayouts(rows: readonly ReferenceRow[], random: () => number): string {
  const lines = ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", "1", "CompanyTitleDateURL", "Safety_category", "Abstract"];
  for (const r of rows) {
    const category = `${r.duplicate === "1" ? "[Duplicate] " : ""}${r.category}`;
    const abstract = random() < 0.3 ? wrapLines(r.abstract, 80) : r.abstract;
    const layouts = [
      [r.company + r.title + r.date + r.url + category + abstract],
      [r.company + r.title + r.date, r.url, category + abstract],
      [r.company, r.title, r.date, r.url, category + abstract],
      [r.company + r.title + r.date, r.url, category, abstract],
      [r.company + r.title + r.date + r.url + category, abstract],
      [r.company, r.title + r.date + r.url + category + abstract],
      [r.company + r.title, r.date, r.url, category, abstract],
      [r.company + r.title + r.date + r.url, category + abstract],
    ];
    lines.push(r.row, ...layouts[Math.floor(random() * layouts.length)]!);
  }
  return lines.join("\n");
}

/** The sheet as a spreadsheet would export it: its own column names, each paper at its row number, blank rows between. */
function sheetExport(rows: readonly ReferenceRow[], delimiter: string): string {
  const header = ["Company", "Title", "Date", "URL", "Safety_category", "Abstract"];
  const byRow = new Map(rows.map((r) => [Number(r.row), r]));
  const last = Math.max(...byRow.keys());
  const records: string[][] = [header];
  for (let n = 2; n <= last; n++) {
    const r = byRow.get(n);
    records.push(r ? [r.company, r.title, r.date, r.url, `${r.duplicate === "1" ? "[Duplicate] " : ""}${r.category}`, r.abstract] : ["", "", "", "", "", ""]);
  }
  return Papa.unparse(records, { delimiter, newline: "\r\n" });
}

describe("a clean export of the same sheet", () => {
  const gaps = (() => {
    const present = new Set(reference.map((r) => Number(r.row)));
    return Array.from({ length: 476 }, (_, i) => i + 2).filter((n) => !present.has(n));
  })();

  for (const [name, delimiter] of [["CSV", ","], ["TSV", "\t"]] as const) {
    it(`as ${name} gives the same rows as the paste, numbered by spreadsheet row`, () => {
      const text = sheetExport(reference, delimiter);
      expect(detectLabeledFormat(text, "sheet.txt")).toBe("sheet");
      const result = readLabeled(`sheet.${name.toLowerCase()}`, { text });
      expect(result.problems).toEqual([]);
      expect(rowDifferences(comparable(result.rows), comparable(seed.rows))).toEqual([]);
      expect(result.emptyRows).toEqual(gaps);
      expect(result.categories).toEqual(seed.categories);
      expect(result.rows.find((r) => r.id === "r476")?.sourceLine).toBe(476);
    });
  }

  it("accepts the column aliases in any case (label, category, Link)", () => {
    const text = "TITLE\tLabel\tabstract\tLink\nA paper\tRobustness\tWe study things.\thttps://x.org/a\n";
    const result = parseSheetExport(text, "aliases.tsv");
    expect(comparable(result.rows)).toEqual([{
      id: "r2", company: "", title: "A paper", date: "", url: "https://x.org/a", category: "Robustness",
      abstract: "We study things.", duplicate: false, abstractMissing: false,
    }]);
  });

  it("reads the reference file itself (it has an id column)", () => {
    const result = readLabeled(referencePath);
    expect(result.problems).toEqual([]);
    expect(rowDifferences(comparable(result.rows), referenceAsRows(reference))).toEqual([]);
  });
});

describe("the canonical labeled CSV", () => {
  const tricky: LabeledAbstract[] = [
    row({ id: "t1", title: "=HYPERLINK(\"http://evil\")", abstract: "-1 is a number; +2 too, and \"quotes\", commas" }),
    row({ id: "t2", title: "-5 ways to fail", company: "@lab", category: "Robustness" }),
    row({ id: "t3", title: "  padded ", date: "sometime in 2023", abstract: "Abstract not found", abstractMissing: true }),
    row({ id: "t4", title: "'quoted' title", duplicate: true }),
  ];

  it("has the documented columns, with the flags as 1/0", () => {
    const csv = labeledToCsv(seed.rows);
    expect(csv.split("\n")[0]).toBe(LABELED_COLUMNS.join(","));
    expect(csv).toContain(",Robustness,Abstract not found,0,1,,,\n"); // no reviewer, reviewed_at, source: a spreadsheet row
  });

  it("round-trips every seed row and cells that look like formulas", () => {
    for (const rows of [seed.rows, tricky]) {
      const back = parseSheetExport(labeledToCsv(rows), "labeled.csv");
      expect(back.problems).toEqual([]);
      expect(comparable(back.rows)).toEqual(comparable(rows.map(normalized)));
    }
  });

  it("escapes formula starts in the file, so a spreadsheet shows them as text", () => {
    const csv = labeledToCsv(tricky);
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).toContain(`'-5 ways to fail`);
    expect(csv).toContain(`'@lab`);
  });

  it("is read back through readLabeled from disk", () => {
    const file = path.join(tmp, "labeled.csv");
    writeFileSync(file, labeledToCsv(seed.rows));
    expect(comparable(readLabeled(file).rows)).toEqual(comparable(seed.rows));
  });
});

function row(fields: Partial<LabeledAbstract> & { id: string }): LabeledAbstract {
  return {
    company: "Lab", title: "A title", date: "2024-06-17", url: "https://example.org/p", category: "Honest AI",
    abstract: "We show a thing.", duplicate: false, abstractMissing: false, ...fields,
  };
}

/** What reading normalises: runs of whitespace inside and around a cell. */
function normalized(r: LabeledAbstract): LabeledAbstract {
  return { ...r, title: r.title.replace(/\s+/g, " ").trim() };
}

describe("the ingest summary", () => {
  it("counts what was read, kept and set aside", () => {
    const summary = summarizeIngest(seed);
    expect(summary).toMatchObject({ rowsRead: 80, kept: 77, duplicates: 2, missingAbstracts: 1, emptyRows: 19, problems: [] });
    const perReference: Record<string, number> = {};
    for (const r of reference) if (r.duplicate === "0" && r.abstract_missing === "0") perReference[r.category] = (perReference[r.category] ?? 0) + 1;
    expect(Object.fromEntries(summary.perCategory)).toEqual(perReference);
    expect([...summary.perCategory.values()]).toEqual([...summary.perCategory.values()].sort((a, b) => b - a));
  });

  it("renders as terminal lines", () => {
    const lines = formatIngestSummary(summarizeIngest(seed));
    expect(lines[0]).toBe("80 rows read: 77 usable for training, 2 duplicates and 1 without abstract set aside; 19 empty rows skipped");
    expect(lines[1]).toBe("9 categories (usable rows):");
    expect(lines[2]).toMatch(/^ {2}Enhancing human feedback +30$/);
    expect(lines.at(-1)).toBe("no problems found");
  });
});

describe("with a taxonomy", () => {
  const names = seed.categories.filter((c) => c !== "Unlearning").map((c) => (c === "Mechanistic interpretability" ? "MECHANISTIC Interpretability" : c));
  const taxonomy = taxonomyFromCategories(names);

  it("spells a category as the taxonomy does when only the case differs", () => {
    const result = parsePaste(seedText, "seed.txt", taxonomy);
    const mech = result.rows.filter((r) => r.id === "r3" || r.id === "r476");
    expect(mech.map((r) => r.category)).toEqual(["MECHANISTIC Interpretability", "MECHANISTIC Interpretability"]);
    expect(result.rows.find((r) => r.id === "r3")?.abstract).toMatch(/^Eight months ago/);
  });

  it("reports a category the taxonomy lacks, once, naming its rows, and keeps the rows", () => {
    const result = parsePaste(seedText, "seed.txt", taxonomy);
    // the case variant "Mechanistic interpretability" is read as the taxonomy's name, with a warning
    expect(result.problems).toEqual([
      expect.objectContaining({ code: "W_CATEGORY_SPELLING", column: "category", value: "Mechanistic interpretability" }),
      expect.objectContaining({ code: "E_UNKNOWN_CATEGORY", column: "category", value: "Unlearning", line: 299 }),
    ]);
    expect(result.problems[1]!.message).toContain("r35, r41");
    expect(result.rows.filter((r) => r.category === "Unlearning").map((r) => r.id)).toEqual(["r35", "r41"]);
    expect(result.rows).toHaveLength(80);
  });

  it("does the same for a sheet export", () => {
    const result = readLabeled("sheet.csv", { text: sheetExport(reference, ","), taxonomy });
    expect(result.rows.find((r) => r.id === "r3")?.category).toBe("MECHANISTIC Interpretability");
    expect(result.problems.map((p) => [p.code, p.value]))
      .toEqual([["W_CATEGORY_SPELLING", "Mechanistic interpretability"], ["E_UNKNOWN_CATEGORY", "Unlearning"]]);
  });

  it("suggests the nearest name for a misspelt category", () => {
    const text = "Company,Title,Safety_category,Abstract\nLab,T,Mechanistic interpretabilty,We look inside.\n";
    const [problem] = parseSheetExport(text, "typo.csv", taxonomy).problems;
    expect(problem).toMatchObject({ code: "E_UNKNOWN_CATEGORY", line: 2, value: "Mechanistic interpretabilty" });
    expect(problem!.hint).toContain('did you mean "MECHANISTIC Interpretability"?');
  });
});
