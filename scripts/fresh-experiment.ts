// Development aid: compares training settings on the two measures we choose designs by:
// our own repeated CV of the sheet (seed 42, not the fixed reference folds; the background set
// trains every fold and is never tested), and the fresh validation set (data/eval/fresh.csv),
// scored by a model trained on the whole sheet. Never trains on the fresh set.
// Run: npx vite-node scripts/fresh-experiment.ts [name filter...]
import { crossValidate } from "../src/evaluation/crossValidate.js";
import { freshSection } from "../src/evaluation/fresh.js";
import { backgroundRows } from "../src/ingest/background.js";
import { readLabeled, usableForTraining } from "../src/ingest/labeled.js";
import { loadTaxonomy } from "../src/taxonomy/file.js";
import { activeTaxonomy } from "../src/taxonomy/active.js";
import { readingTaxonomy } from "../src/taxonomy/changes.js";
import { modelTrainer, trainModel, type TrainOptions } from "../src/training/train.js";
import { makeLabeler } from "../src/predict/label.js";
import { Gated } from "../src/models/gated.js";
import { makeTokenizer } from "../src/text/tokenize.js";

const taxonomy = activeTaxonomy(loadTaxonomy(process.env.TAXONOMY ?? "data/taxonomy.json"));
const reading = readingTaxonomy(taxonomy);
const sheet = usableForTraining(readLabeled("data/labeled.csv", { taxonomy: reading }).rows);
const background = backgroundRows(readLabeled("data/background/background.csv", { taxonomy: reading }), { path: "", sha256: "" }, taxonomy, sheet);
const fresh = usableForTraining(readLabeled(process.env.FRESH ?? "data/eval/fresh.csv", { taxonomy: reading }).rows);
const outside = background.category;

function run(name: string, options: TrainOptions): void {
  const t0 = Date.now();
  const opts: TrainOptions = { taxonomy, background: { rows: background.rows, safety: process.env.NOSAFE ? [] : background.safety.filter((r) => !process.env.SAFEPART || r.id.startsWith(process.env.SAFEPART)) }, ...options };
  const cv = crossValidate(sheet, modelTrainer(opts), { folds: 5, repeats: Number(process.env.REPEATS ?? 2), seed: 42, answers: [outside] });
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  const acc = mean(cv.model.perRepeat.map((r) => r.report.accuracy));
  const mf = mean(cv.model.perRepeat.map((r) => r.report.macro.f1));
  const toOutside = cv.predictions.filter((p) => p.predicted === outside).length / cv.predictions.length;
  const model = trainModel(sheet, opts);
  const label = makeLabeler(model);
  const outcomes = fresh.map((r) => {
    const p = label({ id: r.id, abstract: r.abstract });
    return { id: r.id, gold: r.category, predicted: p.category, confidence: p.confidence, needsReview: p.needsReview };
  });
  const part = process.env.PART;
  const f = freshSection("", outcomes.filter((o) => !part || o.id.startsWith(part)), outside);
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const catAuto = outcomes.filter((o) => !o.needsReview && o.predicted !== outside && (!part || o.id.startsWith(part)));
  const safetyRows = outcomes.filter((o) => o.gold !== outside && (!part || o.id.startsWith(part)));
  const catText = ` | category labels auto ${catAuto.length} (safety papers ${safetyRows.length}), prec ${(catAuto.filter((o) => o.gold === o.predicted).length / Math.max(1, catAuto.length)).toFixed(3)}`;
  console.log(
    `${name.padEnd(30)} cv acc ${acc.toFixed(3)} mF1 ${mf.toFixed(3)} (->no ${(100 * toOutside).toFixed(0)}%) | fresh ` +
      `acc ${f.report.accuracy.toFixed(3)} mF1 ${f.report.macro.f1.toFixed(3)}` +
      ` safety ` +
        `acc ${f.safety.accuracy.toFixed(3)} mF1 ${f.safety.macroF1.toFixed(3)} | no->safety ` +
          `auto ${pct(f.outsideTaggedSafety.share)} no->no auto ${pct(f.outsideAnswered.share)}` +
      ` safety->no ${pct(f.safetyCalledOutside.share)} | ` +
        `auto ${pct(f.automatic.share)} prec ${f.automatic.precision.toFixed(3)} (thr ${model.reviewThreshold.toFixed(2)}) ${Date.now() - t0} ms${catText}`,
  );
}

const configs: [string, TrainOptions][] = [];
for (const w of [0.2, 0.5, 1]) configs.push([`gate tfidf-nb bgw=${w}`, { backgroundWeight: w }]);
for (const w of [0.2, 0.5, 1]) configs.push([`gate complement-nb bgw=${w}`, { backgroundWeight: w, gateKind: "complement-nb" }]);
for (const w of [0.2, 1]) configs.push([`gate multinomial-nb bgw=${w}`, { backgroundWeight: w, gateKind: "multinomial-nb" }]);
if (process.env.CONF) configs.splice(0, configs.length, ...process.env.CONF.split(";").map((c) => [c, JSON.parse(c)] as [string, TrainOptions]));
const which = process.argv.slice(2);
console.log(`sheet ${sheet.length} rows, background ${background.rows.length}, fresh ${fresh.length}`);
if (!process.env.DIAG) for (const [name, o] of configs) if (!which.length || which.some((w) => name.includes(w))) run(name, o);

// Diagnostics of the two stages on the fresh set: gate AUROC (safety vs not), category accuracy of q alone on safety rows.
export function diagnose(options: TrainOptions): void {
  const model = trainModel(sheet, { taxonomy, background: { rows: background.rows }, ...options });
  const g = model.classifier as Gated;
  const tok = makeTokenizer(model.tokenizer);
  const rows = fresh.filter((r) => !process.env.PART || r.id.startsWith(process.env.PART));
  const scored = rows.map((r) => {
    const p = g.parts(g.features.vectorize(tok(r.abstract)));
    const gate = 1 / (1 + Math.exp((p.gate[0]! - p.gate[1]!) / g.gateTemperature));
    let best = 0;
    for (let j = 1; j < p.inner.length; j++) if (p.inner[j]! > p.inner[best]!) best = j;
    return { outside: r.category === outside, gate, cat: g.inner[best], gold: r.category };
  });
  const pos = scored.filter((s) => s.outside), neg = scored.filter((s) => !s.outside);
  let auc = 0;
  for (const a of pos) for (const b of neg) auc += a.gate > b.gate ? 1 : a.gate === b.gate ? 0.5 : 0;
  const safetyAcc = neg.filter((s) => s.cat === s.gold).length / neg.length;
  const at = (t: number) =>
    `t=${t}: no->` +
      `no ${(pos.filter((s) => s.gate > t).length / pos.length).toFixed(2)} safety->no ${(neg.filter((s) => s.gate > t).length / neg.length).toFixed(2)}`;
  console.log(
    `gate ` +
      `AUROC ${(auc / (pos.length * neg.length)).toFixed(3)}; q-only safety ` +
        `accuracy ${safetyAcc.toFixed(3)} ` +
          `(${neg.length}); ${[0.3, 0.5, 0.7, 0.9].map(at).join("; ")}; tg ${g.gateTemperature.toPrecision(3)} tc ${g.innerTemperature.toPrecision(3)}`);
}
if (process.env.DIAG) for (const d of process.env.DIAG.split(";")) diagnose(JSON.parse(d));
if (process.env.ERRS) {
  const model = trainModel(sheet, { taxonomy, background: { rows: background.rows }, ...JSON.parse(process.env.ERRS) });
  const g = model.classifier as Gated;
  const tok = makeTokenizer(model.tokenizer);
  for (const r of fresh.filter((r) => !process.env.PART || r.id.startsWith(process.env.PART))) {
    const p = g.parts(g.features.vectorize(tok(r.abstract)));
    const gate = 1 / (1 + Math.exp((p.gate[0]! - p.gate[1]!) / g.gateTemperature));
    let best = 0;
    for (let j = 1; j < p.inner.length; j++) if (p.inner[j]! > p.inner[best]!) best = j;
    const wrong = (r.category === outside) !== gate > 0.5 || (r.category !== outside && g.inner[best] !== r.category);
    if (wrong) console.log(
      `${r.category === outside ? "NO " : "YES"} gate ${gate.toFixed(2)} ${r.category.padEnd(32)} q:${g.inner[best]!.padEnd(32)} ${r.title.slice(0, 70)}`);
  }
}
if (process.env.TERMS) {
  const model = trainModel(sheet, { taxonomy, background: { rows: background.rows, safety: background.safety } });
  const g = model.classifier as Gated;
  const tok = makeTokenizer(model.tokenizer);
  for (const w of process.env.TERMS.split(",")) {
    for (const t of tok(w)) { const tw = g.gate.termWeights(t); console.log(w, t, tw ? Array.from(tw).map((x) => x.toFixed(3)) : "unknown"); }
  }
  console.log("gate categories", g.gate.categories, "safety rows", background.safety.length);
}
