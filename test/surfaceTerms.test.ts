/**
 * Issue 15 item 6, terms people read: the model still scores stems, but every term shown to a
 * person (predict's `terms`, the report's indicative terms) is the word the training abstracts
 * used most often for that stem, kept in the model file as `surfaceForms`.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LabeledAbstract } from "../src/domain.js";
import { parseModel, serializeModel } from "../src/modelfile/modelFile.js";
import { trainModel } from "../src/training/train.js";
import { makeLabeler } from "../src/predict/label.js";
import { DEFAULT_TOKENIZER, surfaceForms, termShower } from "../src/text/tokenize.js";
import { SafetagError } from "../src/errors.js";
import { cli, parseCsv } from "./cliHarness.js";

const fixedClock = () => new Date("2026-01-01T00:00:00Z");
const row = (id: string, category: string, abstract: string): LabeledAbstract => ({
  id, company: "", title: "", date: "", url: "", category, abstract, duplicate: false, abstractMissing: false,
});

/**
 * A tiny sheet. Stem "evalu" comes from "evaluation" three times (once as "Evaluation") and
 * "evaluating" once; stem "classifi" from "classified" once and "classify" once (a tie: the word
 * first in alphabetical order, "classified", is shown). Porter makes "deployed" "deploi" but
 * "deployment" "deploy": two stems, each with its own word.
 */
const sheet: LabeledAbstract[] = [
  row("r2", "Evals", "Evaluation of frontier systems before deployment."),
  row("r3", "Evals", "A benchmark evaluation suite; evaluating dangerous capabilities."),
  row("r4", "Evals", "We report an evaluation protocol for deployment decisions."),
  row("r5", "Robust", "Adversarial inputs fool the deployed classifier we classify with."),
  row("r6", "Robust", "Perturbations make classified images wrong under adversarial attack."),
  row("r7", "Robust", "Certified robustness against adversarial perturbations."),
];
const texts = sheet.map((r) => r.abstract);

describe("surface forms of stems (worked example)", () => {
  it("each stem is shown as its most frequent word; ties go to the first word alphabetically", () => {
    const forms = surfaceForms(DEFAULT_TOKENIZER, texts, ["evalu", "classifi", "deploi", "deploy", "adversari", "benchmark", "perturb"]);
    expect(forms["evalu"]).toBe("evaluation"); // evaluation 3 (Evaluation counts, lower-cased) > evaluating 1
    expect(forms["classifi"]).toBe("classified"); // classified 1 = classify 1: alphabetical
    expect(forms["deploi"]).toBe("deployed");
    expect(forms["deploy"]).toBe("deployment");
    expect(forms["adversari"]).toBe("adversarial");
    expect(forms["perturb"]).toBe("perturbations");
    // a stem that is its own word is not listed (it is shown as it is); a stem outside `keep` neither
    expect(Object.hasOwn(forms, "benchmark")).toBe(false);
    expect(Object.hasOwn(forms, "certifi")).toBe(false);
    expect(Object.keys(forms)).toEqual(["adversari", "classifi", "deploi", "deploy", "evalu", "perturb"]);
  });

  it("the same texts in another order give the same forms", () => {
    const keep = ["evalu", "classifi", "deploi"];
    expect(surfaceForms(DEFAULT_TOKENIZER, [...texts].reverse(), keep)).toEqual(surfaceForms(DEFAULT_TOKENIZER, texts, keep));
  });

  it("an n-gram is shown part by part; a term without a form as it is", () => {
    const show = termShower({ evalu: "evaluation", deploi: "deployment" });
    expect(show("evalu")).toBe("evaluation");
    expect(show("evalu deploi")).toBe("evaluation deployment");
    expect(show("evalu robust")).toBe("evaluation robust");
    expect(show("constructor")).toBe("constructor"); // never a member of Object.prototype
    expect(termShower(undefined)("evalu")).toBe("evalu");
  });

  it("with n-grams, each part of a kept n-gram gets its form", () => {
    const forms = surfaceForms({ ...DEFAULT_TOKENIZER, ngrams: 2 }, texts, ["evalu deploi"]);
    expect(forms).toEqual({ evalu: "evaluation", deploi: "deployed" });
  });
});

describe("surface forms in the model file", () => {
  const model = trainModel(sheet, { now: fixedClock });
  const file = JSON.parse(serializeModel(model)) as Record<string, unknown>;
  const probe = { id: "p1", abstract: "An evaluation of the deployed classifier before deployment, evaluating it again." };
  const termsOf = (m: ReturnType<typeof parseModel>) => makeLabeler(m)(probe).terms.map((t) => t.term);

  it("training stores them; a saved and loaded model shows words, with the same category and confidence", () => {
    expect(model.surfaceForms?.["evalu"]).toBe("evaluation");
    expect((file.surfaceForms as Record<string, string>)["classifi"]).toBe("classified");
    const loaded = parseModel(JSON.stringify(file), "m.json");
    const shown = termsOf(loaded);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toContain("evaluation");
    expect(shown).not.toContain("evalu");
    // an old model file, without the map: it loads, and shows stems, with the very same prediction
    const { surfaceForms: _forms, ...old } = file;
    const oldModel = parseModel(JSON.stringify(old), "old.json");
    expect(oldModel.surfaceForms).toBeUndefined();
    const stems = termsOf(oldModel);
    expect(stems).toContain("evalu");
    expect(stems.map(termShower(model.surfaceForms))).toEqual(shown); // the same terms, in the same order
    const a = makeLabeler(loaded)(probe);
    const b = makeLabeler(oldModel)(probe);
    expect([a.category, a.confidence, a.probabilities]).toEqual([b.category, b.confidence, b.probabilities]);
  });

  const crafted: [string, unknown, RegExp][] = [
    ["a list", ["evaluation"], /surfaceForms must be an object of stem -> word/],
    ["a number for a word", { evalu: 3 }, /surfaceForms\["evalu"\] is 3, not a word/],
    ["another word than the stem's", { evalu: "kill" }, /surfaceForms\["evalu"\] is "kill", not a word this model's tokenizer turns into that stem/],
    ["two words", { evalu: "evaluation kill" }, /surfaceForms\["evalu"\] is "evaluation kill"/],
    ["a control character", { evalu: "evaluation\u001b[31m" }, /surfaceForms\["evalu"\]/],
    ["an upper-case word for a lower-casing tokenizer", { evalu: "EVALUATION" }, /surfaceForms\["evalu"\] is "EVALUATION"/],
    ["a stop word", { the: "the" }, /surfaceForms\["the"\]/],
  ];
  for (const [what, forms, message] of crafted) {
    it(`a crafted map is refused clearly: ${what}`, () => {
      let thrown: unknown;
      try {
        parseModel(JSON.stringify({ ...file, surfaceForms: forms }), "crafted.json");
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(SafetagError);
      expect((thrown as SafetagError).code).toBe("E_MODEL_FORMAT");
      expect((thrown as Error).message).toMatch(/^crafted\.json: /);
      expect((thrown as Error).message).toMatch(message);
    });
  }
});

describe("predict's terms column", () => {
  it("shows the words of the training abstracts, not stems, through the CLI", async () => {
    const dir = mkdtempSync(join(tmpdir(), "safetag-terms-"));
    const data = join(dir, "sheet.csv");
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    writeFileSync(data, ["Company,Title,Date,URL,Safety_category,Abstract", ...sheet.map((r, i) => `Acme,Paper ${i},1-Jan-24,https://a/${i},${r.category},${quote(r.abstract)}`)].join("\n") + "\n");
    const model = join(dir, "model.json");
    const t = await cli(["--quiet", "train", "--data", data, "--out", model]);
    expect(t.stderr).toBe("");
    expect(t.code).toBe(0);
    const input = join(dir, "dump.csv");
    writeFileSync(input, `id,abstract\np1,${quote(probe())}\n`);
    const out = join(dir, "predictions.csv");
    const p = await cli(["--quiet", "predict", "--model", model, "--input", input, "--output", out]);
    expect(p.code).toBe(0);
    const [r] = parseCsv(readFileSync(out, "utf8"));
    const terms = r!.terms!.split(" ");
    expect(terms).toContain("evaluation");
    for (const stem of ["evalu", "classifi", "deploi", "deploy"]) expect(terms).not.toContain(stem);
    // every term shown is a word of the training abstracts
    const words = new Set(texts.join(" ").toLowerCase().match(/[a-z]+/g));
    for (const term of terms) expect(words.has(term)).toBe(true);
  });
});

function probe(): string {
  return "An evaluation of the deployed classifier before deployment, evaluating it again.";
}
