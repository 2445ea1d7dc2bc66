import { describe, expect, it } from "vitest";
import { parsePaste } from "../src/ingest/paste.js";
import { splitPasteRows } from "../src/ingest/pasteRows.js";
import { recurringPrefixes } from "../src/ingest/prefixes.js";
import { taxonomyFromCategories } from "../src/taxonomy/create.js";

/** A paste as a spreadsheet program produces it: column letters, then each row number alone on a line before its cells. */
function paste(rows: Record<number, string>): string {
  const body = Object.entries(rows).flatMap(([n, cells]) => [n, ...(cells === "" ? [] : [cells])]);
  return ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", "1", "CompanyTitleDateURL", "Safety_category", "Abstract", ...body].join("\n");
}

const run = (text: string) => (text.includes("\n") ? { text, firstLineWhole: true } : { text, firstLineWhole: false });

describe("row numbers", () => {
  it("a number line inside an abstract is not a row number when it breaks the increasing sequence", () => {
    const { rows } = splitPasteRows(["1", "header", "22", "cells", "2023", "more abstract", "23", "next row"].join("\n"));
    expect(rows.map((r) => r.row)).toEqual([1, 22, 23]);
    expect(rows[1]!.lines.map((l) => l.text)).toEqual(["cells", "2023", "more abstract"]);
  });

  it("a smaller number inside an abstract is text too", () => {
    const { rows } = splitPasteRows(["30", "cells", "5", "31"].join("\n"));
    expect(rows.map((r) => [r.row, r.lines.length])).toEqual([[30, 2], [31, 0]]);
  });

  it("skips column letters past Z", () => {
    const { rows, stray } = splitPasteRows(["ABCDEFGHIJKLMNOPQRSTUVWXYZAAABAC", "1", "x"].join("\n"));
    expect(stray).toEqual([]);
    expect(rows.map((r) => r.row)).toEqual([1]);
  });

  it("keeps lines before the first row number apart, without the column letters", () => {
    const { stray } = splitPasteRows(["ABCDEFGHIJ", "my notes", "1", "x"].join("\n"));
    expect(stray).toEqual([{ text: "my notes", line: 2 }]);
  });
});

describe("recurring prefixes", () => {
  it("prefers the prefix most rows share, then the longest: OpenAI, not Open", () => {
    const labels = recurringPrefixes(["OpenAIThe Instruction Hierarchy", "OpenAIA hazard analysis", "OpenAIAI-written critiques"].map(run));
    expect(labels).toEqual(["OpenAI", "OpenAI", "OpenAI"]);
  });

  it("uses a name seen alone on a line: Google DeepMind, not Google Deep", () => {
    const labels = recurringPrefixes(["Google DeepMind\nA paper", "Google DeepMindRobust agents", "Google DeepMindRobust things"].map(run));
    expect(labels).toEqual(["Google DeepMind", "Google DeepMind", "Google DeepMind"]);
  });

  it("splits a category from an abstract starting with a capital run (Honest AIAs)", () => {
    const labels = recurringPrefixes(["Honest AIAs large models", "Honest AIWe show", "Safety by designOur"].map(run));
    expect(labels).toEqual(["Honest AI", "Honest AI", "Safety by design"]);
  });

  it("counts identical rows (a paper and its duplicate) once, so the whole line does not pass for a label", () => {
    const same = "Model organisms of misalignmentHumans are capable of strategically deceptive behavior";
    expect(recurringPrefixes([run(same), run(same), run("Honest AIWe show")]))
      .toEqual(["Model organisms of misalignment", "Model organisms of misalignment", "Honest AI"]);
  });

  it("takes the first edge when nothing recurs, including before a quote or a backslash", () => {
    expect(recurringPrefixes(['Mechanistic interpretability"Induction heads" are', "Model organisms\\emph{x} y"].map(run)))
      .toEqual(["Mechanistic interpretability", "Model organisms"]);
  });
});

describe("pasted rows", () => {
  const rows = {
    2: "AnthropicExtracting Concepts from GPT-46-Jun-24https://a.org/extracting-conceptsRobustnessWe study robustness.",
    3: "Anthropic\nCircuits Updates — May 2023\n24-May-23\nhttps://a.org/circuits\nRobustnessAbstract not found",
    4: "",
    5: "Google DeepMindA study of power17-Jun-24https://g.org/reward-tamperingPower-seeking tendenciesIn reinforcement",
    6: "Google DeepMind\nAnother study\n1-Jan-24\nhttps://g.org/x\n[Duplicate] Robustness\nWe find that models\nwrap their lines.",
    7: "Google DeepMindDangerous capabilities\n2-Feb-24\nhttps://g.org/y\nPower-seeking tendenciesAgents seek power \\emph{often}.",
  };
  const result = parsePaste(paste(rows), "paste.txt");
  const byId = Object.fromEntries(result.rows.map((r) => [r.id, r]));

  it("reads every row and lists the empty one", () => {
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => r.id)).toEqual(["r2", "r3", "r5", "r6", "r7"]);
    expect(result.emptyRows).toEqual([4]);
    expect(result.categories).toEqual(["Power-seeking tendencies", "Robustness"]);
  });

  it("leaves a title's last digit in the title when the day would otherwise be impossible (GPT-46-Jun-24)", () => {
    expect(byId.r2).toMatchObject({ company: "Anthropic", title: "Extracting Concepts from GPT-4", date: "2024-06-06" });
  });

  it("prefers a two-digit day (May 202324-May-23 on one line would be 24 May)", () => {
    const one = parsePaste(paste({ 2: "AnthropicCircuits Updates — May 202324-May-23https://a.org/cRobustnessWe report." }), "p.txt");
    expect(one.rows[0]).toMatchObject({ title: "Circuits Updates — May 2023", date: "2023-05-24" });
  });

  it("splits a URL glued to its category, using the category names seen in other rows", () => {
    expect(byId.r2).toMatchObject({ url: "https://a.org/extracting-concepts", category: "Robustness", abstract: "We study robustness." });
    expect(byId.r5).toMatchObject({ url: "https://g.org/reward-tampering", category: "Power-seeking tendencies", abstract: "In reinforcement" });
  });

  it("keeps `Abstract not found` and flags the row", () => {
    expect(byId.r3).toMatchObject({ category: "Robustness", abstract: "Abstract not found", abstractMissing: true, duplicate: false });
  });

  it("reads [Duplicate] and joins wrapped abstract lines with one space", () => {
    expect(byId.r6)
      .toMatchObject(
        { company: "Google DeepMind", title: "Another study", category: "Robustness", duplicate: true, abstract: "We find that models wrap their lines." });
  });

  it("keeps LaTeX and typographic characters as they are", () => {
    expect(byId.r7!.abstract).toBe("Agents seek power \\emph{often}.");
    expect(byId.r3!.title).toContain("—");
  });

  it("splits a URL that runs to the end of the row, abstract and all", () => {
    const one =
      parsePaste(paste({ 2: "LabA paper1-Jan-24https://l.org/rRobustnessShort.", 3: "LabB paper2-Jan-24\nhttps://l.org/s\nRobustnessWe test." }), "p.txt");
    expect(one.rows.map((r) => [r.url, r.category, r.abstract])).toEqual([
      ["https://l.org/r", "Robustness", "Short."],
      ["https://l.org/s", "Robustness", "We test."],
    ]);
  });

  it("reads a row whose URL cell is empty", () => {
    const one = parsePaste(paste({ 2: "LabA paper1-Jan-24RobustnessWe test.", 3: "LabB paper2-Jan-24\nRobustnessWe test more." }), "p.txt");
    expect(one.problems).toEqual([]);
    expect(one.rows.map((r) => [r.title, r.date, r.url, r.category])).toEqual([
      ["A paper", "2024-01-01", "", "Robustness"],
      ["B paper", "2024-01-02", "", "Robustness"],
    ]);
  });

  it("keeps capitals in a URL alone on its line", () => {
    const one = parsePaste(paste({ 2: "LabA paper1-Jan-24\nhttps://l.org/Papers/X1\nRobustnessWe test." }), "p.txt");
    expect(one.rows[0]).toMatchObject({ url: "https://l.org/Papers/X1", category: "Robustness" });
  });

  it("spells a category as the taxonomy does when only case, spaces or hyphens differ", () => {
    const text =
      paste({ 2: "LabA paper1-Jan-24\nhttps://l.org/p\nPower seeking tendenciesWe seek.",
        3: "LabB paper2-Jan-24\nhttps://l.org/q\nPower seeking tendenciesAgents seek." });
    const result = parsePaste(text, "p.txt", taxonomyFromCategories(["Power-seeking tendencies"]));
    expect(result.problems).toEqual([expect.objectContaining({ code: "W_CATEGORY_SPELLING", value: "Power seeking tendencies", line: 6 })]);
    expect(result.problems[0]!.message).toContain('read as the taxonomy\'s "Power-seeking tendencies" (2 rows: r2, r3)');
    expect(result.rows.map((r) => [r.category, r.abstract])).toEqual([
      ["Power-seeking tendencies", "We seek."],
      ["Power-seeking tendencies", "Agents seek."],
    ]);
  });

  it("splits with the taxonomy's names when given one, whatever the case in the paste", () => {
    const text = paste({ 2: "LabA paper1-Jan-24https://l.org/pSAFETY BY DESIGNWe design.", 3: "LabB paper2-Jan-24https://l.org/qsafety by designOur plan." });
    const result = parsePaste(text, "p.txt", taxonomyFromCategories(["Safety by design"]));
    expect(result.problems.map((p) => [p.code, p.value])).toEqual([["W_CATEGORY_SPELLING", "SAFETY BY DESIGN"], ["W_CATEGORY_SPELLING", "safety by design"]]);
    expect(result.rows.map((r) => [r.url, r.category, r.abstract])).toEqual([
      ["https://l.org/p", "Safety by design", "We design."],
      ["https://l.org/q", "Safety by design", "Our plan."],
    ]);
  });
});
