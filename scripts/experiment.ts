// Development aid: compares model settings by our own repeated CV (3 repeats of 5-fold, seed 42;
// not the fixed reference folds). This is how the default model kind was chosen.
// Run: npx vite-node scripts/experiment.ts [name filter...]
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import type { LabeledAbstract, Taxonomy } from "../src/domain.js";
import { crossValidate } from "../src/evaluation/crossValidate.js";
import { BUILT_IN_KINDS, type ModelKind } from "../src/models/kinds.js";
import { trainingSet, type TrainingSet, type FittedClassifier } from "../src/models/contract.js";
import { DEFAULT_NB_PARAMS, fitNaiveBayes } from "../src/models/naiveBayes.js";
import { TFIDF } from "../src/features/featureSpace.js";
import { scoreTokens } from "../src/models/scoring.js";
import { makeTokenizer, DEFAULT_TOKENIZER } from "../src/text/tokenize.js";
import { taxonomyExamples } from "../src/training/taxonomyEvidence.js";
import { probabilities } from "../src/models/scoring.js";

const rows = Papa.parse<Record<string, string>>(readFileSync("../shared/reference/labeled.csv", "utf8"), { header: true, skipEmptyLines: true }).data
  .filter((r) => r.duplicate === "0" && r.abstract_missing === "0")
  .map((r) =>
    ({ id: r.id!, company: r.company!, title: r.title!, date: r.date!, url: r.url!, category: r.category!,
      abstract: r.abstract!, duplicate: false, abstractMissing: false })) as LabeledAbstract[];
const taxonomy = JSON.parse(readFileSync("data/taxonomy.json", "utf8")) as Taxonomy;

type KindFit = (set: TrainingSet, categories: readonly string[]) => FittedClassifier;

function trainer(kind: ModelKind, beta: number, titles: boolean, ngrams = 1, fit: KindFit = BUILT_IN_KINDS[kind].fit) {
  const tok = makeTokenizer({ ...DEFAULT_TOKENIZER, ngrams });
  return {
    train(train: readonly LabeledAbstract[]) {
      const cats = [...new Set([...train.map((r) => r.category), ...taxonomy.categories.map((c) => c.name)])].sort();
      const ex =
        [...train.map((r) =>
          ({ tokens: tok(titles ? r.title + ". " + r.abstract : r.abstract), category: r.category })), ...taxonomyExamples(taxonomy, tok, beta)];
      const m = fit(trainingSet(ex), cats);
      return { categories: cats, predictProba: (a: string) => probabilities(scoreTokens(m, tok(a))) };
    },
  };
}

const configs: [string, ReturnType<typeof trainer>][] = [];
const which = process.argv.slice(2);
for (const beta of [1, 2, 3, 5, 10, 20]) configs.push([`complement-nb beta=${beta}`, trainer("complement-nb", beta, false)]);
for (const beta of [3, 10]) configs.push([`complement-nb titles beta=${beta}`, trainer("complement-nb", beta, true)]);
for (const beta of [3, 10]) configs.push([`complement-nb bigram beta=${beta}`, trainer("complement-nb", beta, false, 2)]);
for (const alpha of [0.1, 1]) configs.push(
  [`complement-nb a=${alpha} beta=3`,
    trainer("complement-nb", 3, false, 1, (set, cats) => fitNaiveBayes(set, { ...DEFAULT_NB_PARAMS, complement: true, features: TFIDF, alpha }, cats))]);
for (const beta of [5, 10]) configs.push([`tfidf-nb beta=${beta}`, trainer("tfidf-nb", beta, false)]);
for (const beta of [5, 10]) configs.push([`multinomial-nb beta=${beta}`, trainer("multinomial-nb", beta, false)]);
for (const beta of [10]) configs.push([`logistic beta=${beta}`, trainer("logistic", beta, false)]);
for (const [name, t] of configs) {
  if (which.length && !which.some((w) => name.includes(w))) continue;
  const t0 = Date.now();
  const cv = crossValidate(rows, t, { folds: 5, repeats: 3, seed: 42 });
  const mf = cv.model.perRepeat.map((r) => r.report.macro.f1);
  const acc = cv.model.perRepeat.map((r) => r.report.accuracy);
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  console.log(`${name.padEnd(34)} acc ${mean(acc).toFixed(3)} macroF1 ${mean(mf).toFixed(3)}  (${Date.now() - t0} ms)`);
}
