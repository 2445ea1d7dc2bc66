/**
 * Issue 13, the input items: one header rule for every CSV reader (duplicate columns, the
 * delimiter, files safetag writes reading back), categories named like Object's properties,
 * row numbers inside a pasted abstract, labels that look alike, the taxonomy a new folder starts
 * from, text that reaches a terminal, and binary files named by their kind. Through the CLI where
 * the item is about the CLI.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import Papa from "papaparse";
import { parseReviewSheet } from "../src/review/accept.js";
import { REVIEW_COLUMNS } from "../src/review/queue.js";
import { toCsv } from "../src/io/csv.js";
import { cli, fixture, parseCsv, type CliRun } from "./cliHarness.js";

const dir = mkdtempSync(join(tmpdir(), "safetag-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...parts: string[]) => join(dir, ...parts);
const TAXONOMY = ["--taxonomy", fixture("tiny-taxonomy.json")];
const tinyCsv = readFileSync(fixture("tiny-labeled.csv"), "utf8");

function write(name: string, content: string | Buffer): string {
  writeFileSync(at(name), content);
  return at(name);
}

/** The formatted problem line carrying `code`. */
function problemLine(r: CliRun, code: string): string {
  const line = r.stderr.split("\n").find((l) => l.includes(`[${code}]`));
  expect(line, `no [${code}] in:\n${r.stderr}`).toBeDefined();
  return line!;
}

const model = at("model.json");
beforeAll(async () => {
  const t = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...TAXONOMY]);
  expect(t.code).toBe(0);
});

describe("12: a header that names a column twice is refused, naming the file, row 1 and the column", () => {
  it("in the labeled sheet (ingest, train), in predict's CSV input and in a review sheet", async () => {
    const sheet = write("dup-sheet.csv", "id,category,abstract,Abstract\na,Feedback,,Reward models from human preferences.\n");
    const alias = write("dup-alias.csv", "Safety_category,label,abstract\nFeedback,Robustness,Reward models.\n");
    const input = write("dup-input.csv", "id,abstract,abstract\na,,Reward models from human preferences.\n");
    const review = write("dup-review.csv", "id,abstract,reviewer_category,Reviewer_Category\na,Reward models.,Feedback,\n");
    const runs: [string, string[], string][] = [
      [sheet, ["ingest", sheet, "-o", at("o.csv"), ...TAXONOMY], "Abstract"],
      [sheet, ["train", "--data", sheet, "--out", at("m.json"), ...TAXONOMY], "Abstract"],
      [alias, ["train", "--data", alias, "--out", at("m.json"), ...TAXONOMY], "label"],
      [input, ["predict", "--model", model, "--input", input, "--output", at("p.csv")], "abstract"],
      [review, ["accept", review, "--data", fixture("tiny-labeled.csv"), ...TAXONOMY], "Reviewer_Category"],
    ];
    for (const [file, args, column] of runs) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(65);
      const line = problemLine(r, "E_DUPLICATE_COLUMN");
      expect(line).toContain(`${file}:1: column ${column}:`);
      expect(line).toMatch(/Hint: rename or delete one of the two columns/);
    }
  });
});

describe("20: a file safetag writes always reads back", () => {
  it("accept writes reviewed.csv with empty company/title/date/url and abstracts full of semicolons; train, eval and run still read it", async () => {
    const data = at("loop", "data");
    mkdirSync(data, { recursive: true });
    copyFileSync(fixture("tiny-labeled.csv"), join(data, "labeled.csv"));
    copyFileSync(fixture("tiny-taxonomy.json"), join(data, "taxonomy.json"));
    const dump = write("loop-dump.txt", [
      "Abstract:We red-team a model; attack it; perturb it; jailbreak it; and measure robustness.",
      "Abstract:Neurons; circuits; attention heads; features; probes; all interpretable.",
    ].join("\n"));
    const tax = ["--taxonomy", join(data, "taxonomy.json")];
    const m = at("loop", "model.json");
    expect((await cli(["train", "--data", join(data, "labeled.csv"), "--out", m, ...tax])).code).toBe(0);
    const sheet = at("loop", "review.csv");
    expect((await cli(["review", "--model", m, "--input", dump, "--output", sheet])).code).toBe(0);
    const rows = parseCsv(readFileSync(sheet, "utf8"));
    expect(rows).toHaveLength(2);
    for (const row of rows) row.reviewer_category = row.abstract!.startsWith("We red-team") ? "Robustness" : "Interpretability";
    writeFileSync(sheet, Papa.unparse(rows));
    expect((await cli(["accept", sheet, "--data", join(data, "labeled.csv"), ...tax])).code).toBe(0);
    const reviewed = readFileSync(join(data, "reviewed.csv"), "utf8");
    expect(reviewed.split("\n")[1]).toMatch(/^rev-[0-9a-f]+,,,,,/); // the empty cells that fooled the old guess
    const train = await cli(["train", "--data", join(data, "labeled.csv"), "--out", m, ...tax]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr)
      .toMatch(/18 rows read, 0 problems\n.*reviewed\.csv: 2 reviewed rows read, 0 problems\n(?:  .*\n)*  in all: 20 rows read = 20 used for training\n/);
    const evaluation =
      await cli(
        ["eval", "--data", join(data, "labeled.csv"), "--report-dir", at("loop", "eval"), "--folds", "3", "--repeats", "1", "--no-learning-curve", ...tax]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const cwd = process.cwd();
    process.chdir(at("loop"));
    try {
      copyFileSync(fixture("tiny-labeled.csv"), "sheet.csv");
      const r = await cli(["run", "--sheet", "sheet.csv", "--dumps", dump, "--report-dir", "eval"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/data\/reviewed\.csv: 2 reviewed rows read, 0 problems\n(?:  .*\n)*  in all: 20 rows read = 20 used for training\n/);
    } finally {
      process.chdir(cwd);
    }
  });

  // Cells with what a CSV writer must quote or escape, spaces folded as safetag's readers fold them.
  const piece = fc.constantFrom(";", ";;", "; ", ",", "\t", "|", '"', "'", "=", "-", "+1", "@x", "a", "Z", " ", "é", "\u2014", "\n");
  const text = (min: number) =>
    fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { minLength: min, maxLength: 12 }).map((p) => p.join("").replace(/\s+/g, " ").trim());
  it("property: whatever the review sheet writer writes, accept reads back", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record(
          { abstract: text(1).filter((a) => a !== ""), category: fc.constantFrom("Feedback", "Semi; colon") }), { minLength: 1, maxLength: 4 }), (answers) => {
        const rows =
          answers.map((a, i) =>
            Object.fromEntries(
              REVIEW_COLUMNS.map((c) => [c, c === "abstract" ? a.abstract : c === "reviewer_category" ? a.category : c === "line" ? i + 1 : ""])));
        const sheet = parseReviewSheet(toCsv(REVIEW_COLUMNS, rows), "review.csv");
        expect(sheet.problems).toEqual([]);
        expect(sheet.answers.map((a) => ({ abstract: a.abstract, category: a.category }))).toEqual(answers);
      }),
      { numRuns: 200 },
    );
  });
});

describe("23: predict reads a `;`-delimited CSV as ingest does", () => {
  it("the same file: ingest reads its rows, predict its abstracts, from a file and from standard input", async () => {
    const semi = tinyCsv.split("\n").map((l) => Papa.unparse([Papa.parse<string[]>(l).data[0] ?? []], { delimiter: ";" })).join("\n");
    const file = write("semi.csv", semi);
    const ingest = await cli(["ingest", file, "-o", at("semi-labeled.csv"), ...TAXONOMY]);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stderr).toMatch(/18 rows read/);
    const fromFile = await cli(["predict", "--model", model, "--input", file, "--output", at("semi-pred.csv")]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stderr).toMatch(/^18 abstracts read, 18 predictions written/m);
    const fromStdin = await cli(["predict", "--model", model, "--input", "-", "--output", "-"], semi);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(parseCsv(fromStdin.stdout)).toHaveLength(18);
  });
});

describe("24: binary input is named by its real kind, not 'probably Latin-1'", () => {
  /** Local file headers of a zip holding parts with these names (enough for the first bytes to tell). */
  const zip = (...names: string[]) =>
    Buffer.concat(
      names.flatMap((n) => [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26, 0x14), Buffer.from(n), Buffer.from([0x8b, 0x00, 0xc3, 0x28, 0x00])]));
  const kinds: [string, Buffer, RegExp, RegExp][] = [
    ["labels.csv.gz", gzipSync(tinyCsv), /this is a gzip file/, /gunzip/],
    // an .xlsx is read as a workbook now; these bytes, a damaged one, are refused as such in test/xlsx.test.ts
    ["labels.zip", zip("notes.txt"), /this is a zip archive/, /unzip/],
    ["paper.pdf",
      Buffer.concat([Buffer.from("%PDF-1.7\n%"), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from("\n1 0 obj\n")]), /this is a PDF document/, /pdftotext/],
  ];

  it("gzip, zip and PDF, to ingest, train and predict (a file or standard input): E_BINARY_INPUT, exit 65", async () => {
    for (const [name, bytes, what, hint] of kinds) {
      const file = write(name, bytes);
      for (const [args, stdin] of [
        [["ingest", file, "-o", at("o.csv"), ...TAXONOMY], ""],
        [["train", "--data", file, "--out", at("m.json"), ...TAXONOMY], ""],
        [["predict", "--model", model, "--input", file, "--output", at("p.csv")], ""],
        [["predict", "--model", model, "--input", "-", "--output", at("p.csv")], [bytes]],
      ] as [string[], string | Buffer[]][]) {
        const r = await cli(args, stdin);
        expect(r.code, `${name} ${args[0]}: ${r.stderr}`).toBe(65);
        const line = problemLine(r, "E_BINARY_INPUT");
        expect(line).toMatch(what);
        expect(line).toMatch(hint);
        expect(r.stderr).not.toMatch(/Latin-1/);
      }
    }
  });

  it("a file of other binary bytes is called binary, not Latin-1 or UTF-16", async () => {
    const binary = write("image.bin", Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37 + 11) % 256)));
    const withNul =
      write("program.txt", Buffer.concat([Buffer.from("Abstract:x\n"), Buffer.from(Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 0 : 1 + (i % 7))))]));
    for (const file of [binary, withNul]) {
      const r = await cli(["predict", "--model", model, "--input", file, "--output", at("p.csv")]);
      expect(r.code).toBe(65);
      expect(r.stderr).toMatch(/this looks like a binary file, not text/);
      expect(r.stderr).not.toMatch(/Latin-1|UTF-16/);
    }
    // (a Latin-1 export keeps its Latin-1 hint: hardening.test.ts, "bytes that are not UTF-8")
  });
});

describe("13: categories named like Object's own properties are categories like any other", () => {
  const words = new Map([
    ["constructor", "reward model preference human feedback rlhf"],
    ["toString", "neuron circuit feature activation attention head"],
    ["__proto__", "adversarial attack perturbation jailbreak robustness"],
    ["hasOwnProperty", "unlearning forget erase knowledge removal"],
    ["valueOf", "deception sleeper agent backdoor misalignment"],
  ]);
  const names = [...words.keys()];

  it("ingest, train, eval and predict (with its HTML page) count and name them right", async () => {
    const rows =
      names.flatMap((c, k) =>
        Array.from({ length: 6 },
          (_, i) => (
            { id: `${c}-${i}`, category: c,
              abstract: `${words.get(c)!.split(" ").map((w, j) => (j + i) % 3 === 0 ? w : `${w} ${w}`).join(" ")} study ${k}` })));
    const sheet = write("proto.csv", toCsv(["id", "category", "abstract"], rows));
    const taxonomy = at("proto-taxonomy.json");
    const ingest = await cli(["ingest", sheet, "-o", at("proto-labeled.csv"), "--taxonomy", taxonomy]);
    expect(ingest.code, ingest.stderr).toBe(0);
    for (const c of names) expect(ingest.stderr).toMatch(new RegExp(`^  ${c.padEnd(14)}  6$`, "m"));
    const tax = ["--taxonomy", taxonomy];
    const m = at("proto-model.json");
    const train = await cli(["train", "--data", at("proto-labeled.csv"), "--out", m, ...tax]);
    expect(train.code, train.stderr).toBe(0);
    // and the outside answer, which a new taxonomy takes from the bundled one with its background set
    expect(JSON.parse(readFileSync(m, "utf8")).categories).toEqual([...names, "Not safety research"].sort());
    const evaluation =
      await cli(["eval", "--data", at("proto-labeled.csv"), "--report-dir", at("proto-eval"), "--folds", "2", "--repeats", "1", "--no-learning-curve", ...tax]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const report = JSON.parse(readFileSync(at("proto-eval", "report.json"), "utf8"));
    expect(Object.keys(report).length).toBeGreaterThan(0);
    const dump = write("proto-dump.txt", names.map((c) => `Abstract:${words.get(c)} ${words.get(c)}`).join("\n"));
    const predict = await cli(["predict", "--model", m, "--input", dump, "--output", at("proto-pred.csv"), "--html", at("proto-pred.html")]);
    expect(predict.code, predict.stderr).toBe(0);
    expect(parseCsv(readFileSync(at("proto-pred.csv"), "utf8")).map((r) => r.category)).toEqual(names);
    for (const c of names) expect(predict.stderr).toMatch(new RegExp(`^ {6}1  ${c}$`, "m"));
    const page = readFileSync(at("proto-pred.html"), "utf8");
    for (const c of names) expect(page).toContain(`${c} (1)</option>`);
    const everything =
      [ingest.stderr, train.stderr, evaluation.stdout, evaluation.stderr, predict.stderr, page,
        readFileSync(at("proto-eval", "report.md"), "utf8"), readFileSync(at("proto-eval", "report.html"), "utf8")].join("\n");
    expect(everything).not.toMatch(/native code|function Object|\[object /);
  });
});

describe("15: labels that look alike are one category, in the spelling most rows use", () => {
  const CYRILLIC_O = "R\u043ebustness";
  const ZERO_WIDTH = "Un\u200blearning";
  const labels = [
    "robustness", "Robustness", "Robustness", "Robustness", CYRILLIC_O, // the first spelling seen loses to the most common
    ZERO_WIDTH, ZERO_WIDTH, "Unlearning",
    "honest ai", "Honest AI", // a tie: the (bundled) taxonomy's spelling
    "D\u0435ception", "Deception", // a tie: the one written in one script
    "zeta tag", "Zeta  Tag", // a tie: the first seen
    "Se\u0441urity", // one spelling, but Latin and Cyrillic mixed
  ];
  const sheet = () =>
    write("lookalike.csv",
      toCsv(["id", "category", "abstract"], labels.map((c, i) => ({ id: `x${i}`, category: c, abstract: `abstract ${i} about ${c.length} things` }))));
  const expected = [
    "Robustness", "Robustness", "Robustness", "Robustness", "Robustness", "Unlearning", "Unlearning", "Unlearning",
    "Honest AI", "Honest AI", "Deception", "Deception", "zeta tag", "zeta tag", "Se\u0441urity",
  ];

  it("ingest into a new folder folds them, says so, and warns of the mixed-script name; train learns one category each", async () => {
    const file = sheet();
    const taxonomy = at("lookalike-taxonomy.json");
    const r = await cli(["ingest", file, "-o", at("lookalike-labeled.csv"), "--taxonomy", taxonomy]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseCsv(readFileSync(at("lookalike-labeled.csv"), "utf8")).map((row) => row.category)).toEqual(expected);
    expect(JSON.parse(readFileSync(taxonomy, "utf8")).categories.map((c: { name: string }) => c.name).sort())
      .toEqual([...new Set(expected), "Not safety research"].sort());
    expect(r.stderr).toContain('has a Cyrillic "о" (U+043E) at character 2');
    expect(r.stderr).toMatch(/has an invisible U\+200B at character 3/);
    expect(problemLine(r, "W_CATEGORY_MIXED_SCRIPT")).toMatch(/mixes Latin and Cyrillic letters: it has a Cyrillic "с" \(U\+0441\) at character 3/);
    const m = at("lookalike-model.json");
    const train = await cli(["train", "--data", at("lookalike-labeled.csv"), "--out", m, "--taxonomy", taxonomy]);
    expect(train.code, train.stderr).toBe(0);
    expect(JSON.parse(readFileSync(m, "utf8")).categories.sort()).toEqual([...new Set(expected), "Not safety research"].sort());
  });

  it("train with a taxonomy that lacks them folds the labels it does not know, naming each fold", async () => {
    const r = await cli(["train", "--data", sheet(), "--out", at("lookalike-model2.json"), ...TAXONOMY]);
    expect(r.code, r.stderr).toBe(0);
    const folds = r.stderr.split("\n").filter((l) => l.includes("[W_CATEGORY_FOLDED]"));
    expect(folds.find((l) => l.includes('(value: "Zeta Tag")'))).toMatch(/read as "zeta tag", the first seen \(as many rows use another\)/);
    expect(folds.find((l) => l.includes('(value: "D\u0435ception")')))
      .toMatch(/read as "Deception", the one written in one script .*a Cyrillic "е" \(U\+0435\) at character 2/);
    expect(problemLine(r, "W_CATEGORY_INVISIBLE")).toMatch(/invisible characters removed \(U\+200B at character 3\): read as "Unlearning" \(2 rows: x5, x6\)/);
    // the taxonomy's own categories keep the taxonomy's spelling, whatever the sheet's
    expect(JSON.parse(readFileSync(at("lookalike-model2.json"), "utf8")).categories).toContain("Robustness");
    expect(JSON.parse(readFileSync(at("lookalike-model2.json"), "utf8")).categories).not.toContain("robustness");
  });
});

describe("21: a new taxonomy starts from the bundled descriptions, a category without one is warned of, and every command says which taxonomy it used", () => {
  const bundled =
    JSON.parse(readFileSync(join(__dirname, "..", "data", "taxonomy.json"), "utf8")) as {
      categories: { name: string; description?: string; keyPhrases?: string[] }[] };
  const entry = (name: string) => bundled.categories.find((c) => c.name === name)!;

  it("ingest in a new folder, then train, eval, review and accept", async () => {
    const rows =
      ["Robustness", "Unlearning",
        "Cooking"].flatMap((c) => Array.from({ length: 4 }, (_, i) => ({ category: c, abstract: `${c} study number ${i} of adversarial forgetting recipes` })));
    const sheet = write("new-folder.csv", toCsv(["category", "abstract"], rows));
    const taxonomy = at("new-folder", "taxonomy.json");
    mkdirSync(at("new-folder"), { recursive: true });
    const labeled = at("new-folder", "labeled.csv");
    const ingest = await cli(["ingest", sheet, "-o", labeled, "--taxonomy", taxonomy]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const created = JSON.parse(readFileSync(taxonomy, "utf8")).categories;
    expect(created).toEqual([
      { name: "Cooking" },
      { name: "Robustness", description: entry("Robustness").description, keyPhrases: entry("Robustness").keyPhrases },
      { name: "Unlearning", description: entry("Unlearning").description, keyPhrases: entry("Unlearning").keyPhrases },
      // the outside answer comes along, whole, so the new folder's models still learn it from the background set
      entry("Not safety research"),
    ]);
    expect(ingest.stderr).toContain(`taxonomy: ${taxonomy} (created with the 3 categories found in the data, 2 of them described as in `);
    expect(ingest.stderr).toContain(`and the "Not safety research" answer with its background set;`);
    expect(ingest.stderr).toMatch(/^WARNING: 1 of 3 categories have no description or key phrases in .*taxonomy\.json \("Cooking"\)/m);
    const tax = ["--taxonomy", taxonomy];
    const m = at("new-folder", "model.json");
    const train = await cli(["train", "--data", labeled, "--out", m, ...tax]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(new RegExp(`^taxonomy: ${taxonomy.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    expect(train.stderr).toMatch(/taxonomy: WARNING: 1 of 3 categories have no description or key phrases \("Cooking"\)/);
    const evaluation =
      await cli(["eval", "--data", labeled, "--report-dir", at("new-folder", "eval"), "--folds", "2", "--repeats", "1", "--no-learning-curve", ...tax]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(evaluation.stderr).toContain(`taxonomy: ${taxonomy}\n`);
    expect(evaluation.stderr).toMatch(/WARNING: 1 of 3 categories have no description/);
    const review =
      await cli(["review", "--model", m, "--input", fixture("tiny-dump.txt"), "--data", labeled, "--output", at("new-folder", "review.csv"), ...tax]);
    expect(review.code, review.stderr).toBe(0);
    expect(review.stderr).toContain(`taxonomy: ${taxonomy}\n`);
    const accept = await cli(["accept", at("new-folder", "review.csv"), "--data", labeled, ...tax]);
    expect(accept.code, accept.stderr).toBe(0);
    expect(accept.stderr).toContain(`taxonomy: ${taxonomy}\n`);
  });

  it("a names-only taxonomy is warned of by name; the bundled one, used from another folder, is named as such", async () => {
    const names =
      write("names-only.json", JSON.stringify({ format: "safetag-taxonomy", version: 1, categories: bundled.categories.map((c) => ({ name: c.name })) }));
    const rows = ["Robustness", "Unlearning"].flatMap((c) => Array.from({ length: 3 }, (_, i) => ({ category: c, abstract: `${c} paper ${i}` })));
    const train = await cli(["train", "--data", write("bundled-names.csv", toCsv(["category", "abstract"], rows)), "--out", at("n.json"), "--taxonomy", names]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/taxonomy: WARNING: \d+ of \d+ categories have no description or key phrases \(.*"Robustness"/);
    const cwd = process.cwd();
    process.chdir(dir); // no data/taxonomy.json here
    try {
      const r = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", at("b.json")]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^taxonomy: .*data\/taxonomy\.json \(the one safetag ships with: there is no data\/taxonomy\.json here\)$/m);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("22: what reaches a terminal has its control characters made visible; none reach the CSV through a model's category", () => {
  /** Control, format and separator characters other than tab and line feed: what a terminal must not receive raw. */
  const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;
  const ESC = "\u001b";

  it("from a sheet: escape sequences in a category and a title are shown as escapes by ingest and train", async () => {
    const rows = [
      ...Array.from({ length: 4 }, (_, i) => ({ title: `t${i}`, category: `Robust${ESC}[2J${ESC}]0;pwned\u0007ness`, abstract: `adversarial attack ${i}` })),
      ...Array.from({ length: 4 }, (_, i) => ({ title: `${ESC}[31mred\u202e${i}`, category: "Feedback", abstract: i === 0 ? "" : `reward model ${i}` })),
      { title: "x", category: `New\u202ecategory${ESC}[0m`, abstract: "something else entirely" },
    ];
    const sheet = write("escapes.csv", toCsv(["title", "category", "abstract"], rows));
    for (const args of [["ingest", sheet, "-o", at("escapes-labeled.csv"), ...TAXONOMY],
      ["train", "--data", sheet, "--out", at("escapes-model.json"), ...TAXONOMY]]) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(RAW);
      expect(r.stderr).toContain("\\u001b[31mred\\u202E0"); // the title of the row without an abstract (E_MISSING_CELL)
      expect(r.stderr).toContain("\\u202E"); // the new category's bidi override, as the sheet has it
    }
    // the category is learned without its invisible characters
    expect(JSON.parse(readFileSync(at("escapes-model.json"), "utf8")).categories).toEqual(expect.arrayContaining(["Robust[2J]0;pwnedness", "Newcategory[0m"]));
  });

  it("from a model file: a category with a control character is refused, shown as escapes; one with a bidi override is printed as an escape", async () => {
    const good = JSON.parse(readFileSync(model, "utf8"));
    const nul = write("nul-category.json", JSON.stringify({ ...good, categories: [`Feed\u0000back${ESC}[2J`, ...good.categories.slice(1)] }));
    const refused = await cli(["predict", "--model", nul, "--input", fixture("tiny-dump.txt"), "--output", at("nul.csv")]);
    expect(refused.code).toBe(65);
    expect(refused.stderr).toMatch(/E_MODEL_FORMAT.*category 1 holds a control character \("Feed\\u0000back\\u001b\[2J"\)/);
    expect(refused.stderr).not.toMatch(RAW);
    const bidi = write("bidi-category.json", JSON.stringify({ ...good, categories: good.categories.map((c: string) => `${c}\u202e`) }));
    const r = await cli(["predict", "--model", bidi, "--input", fixture("tiny-dump.txt"), "--output", at("bidi.csv")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toMatch(/^ +1 {2}Interpretability\\u202E$/m);
    for (const row of parseCsv(readFileSync(at("bidi.csv"), "utf8"))) expect(row.category).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe("14: a pasted abstract line that is only a row number does not cut the row in the wrong place", () => {
  const paste = [
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "1", "CompanyTitleDateURL", "Safety_category", "Abstract",
    "2", "AcmeReward models17-Jun-24https://a.org/rewardFeedbackWe train reward models from human preferences and report results on",
    "6", "benchmarks, more than before.", // the next row's number, wrapped into this abstract
    "6", "AcmeCircuits18-Jun-24https://a.org/circuitsInterpretabilityWe find circuits in attention heads.",
    "7", "AcmeDebate19-Jun-24https://a.org/debateFeedbackWe study debate with",
    "9", "judges and show gains.", // it skips row 8, and no cells follow: the number is the abstract's
    "10", "AcmeProbes20-Jun-24https://a.org/probesInterpretabilityLinear probes read features from activations.",
    "11", "AcmeAttacks21-Jun-24https://a.org/attacksRobustnessWe attack classifiers; see the results of",
    "12", "22-Jun-24", "in the appendix.", // a date follows both 12s: nothing tells them apart
    "12", "AcmeDefences23-Jun-24https://a.org/defencesRobustnessCertified defences bound perturbations.",
  ].join("\n");

  it("ingest: the row number is the one the row's cells follow; a number no cells follow is text of its row; a doubt is reported", async () => {
    const file = write("numbers-paste.txt", paste);
    const r = await cli(["ingest", file, "-o", at("numbers.csv"), ...TAXONOMY]);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv(readFileSync(at("numbers.csv"), "utf8"));
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect([...byId.keys()]).toEqual(["r2", "r6", "r7", "r10", "r11", "r12"]);
    expect(byId.get("r2"))
      .toMatchObject(
        { title: "Reward models", category: "Feedback",
          abstract: "We train reward models from human preferences and report results on 6 benchmarks, more than before." });
    expect(byId.get("r6")).toMatchObject({ company: "Acme", title: "Circuits", category: "Interpretability", date: "2024-06-18" });
    expect(byId.get("r7")).toMatchObject({ category: "Feedback", abstract: "We study debate with 9 judges and show gains." });
    expect(byId.get("r10")).toMatchObject({ title: "Probes", category: "Interpretability" });
    const folded = problemLine(r, "W_PASTE_NUMBER_LINE");
    expect(folded).toContain(`${file}:14: column Abstract:`);
    expect(folded).toMatch(/a line holding only 9 is read as part of row 7, not as row 9/);
    const doubt = problemLine(r, "W_PASTE_ROW_NUMBER");
    expect(doubt).toContain(`${file}:20:`);
    expect(doubt).toMatch(/12 stands alone on lines 20 and 23, .*; line 20 is taken/);
    expect(r.stderr).not.toMatch(/E_PASTE_ROW\]/);
    // the next row's number with no cells after it is still a row of its own, reported as unreadable
    const next = await cli(["ingest", write("numbers-next.txt", paste.replace("\n9\n", "\n8\n")), "-o", at("numbers-next.csv"), ...TAXONOMY]);
    expect(problemLine(next, "E_PASTE_ROW")).toMatch(/row 8 has neither a date/);
  });
});
