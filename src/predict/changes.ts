import type { Category, UnlabeledAbstract } from "../domain.js";
import type { LoadedModel } from "../modelfile/modelFile.js";
import { makeLabeler, type LabeledPrediction } from "./label.js";
import { probabilityText } from "./shown.js";

export interface PredictionChange {
  input: UnlabeledAbstract;
  a: { category: Category; confidence: number; source: LabeledPrediction["source"] };
  b: { category: Category; confidence: number; source: LabeledPrediction["source"] };
}

/** The abstracts whose category differs between two models, in input order; empty abstracts are left out. */
export function predictionChanges(a: LoadedModel, b: LoadedModel, inputs: Iterable<UnlabeledAbstract>): { compared: number; changed: PredictionChange[] } {
  const labelA = makeLabeler(a);
  const labelB = makeLabeler(b);
  const changed: PredictionChange[] = [];
  let compared = 0;
  for (const input of inputs) {
    if (input.abstract.trim() === "") continue;
    compared++;
    const pa = labelA(input);
    const pb = labelB(input);
    if (pa.category !== pb.category) {
      changed.push({
        input,
        a: { category: pa.category, confidence: pa.confidence, source: pa.source },
        b: { category: pb.category, confidence: pb.confidence, source: pb.source },
      });
    }
  }
  return { compared, changed };
}

export function formatPredictionChanges(r: { compared: number; changed: PredictionChange[] }, maxShown = 50): string[] {
  const where = (i: UnlabeledAbstract) => (i.source ? `${i.source}:${i.line ?? ""}` : i.id);
  const side = (s: PredictionChange["a"]) => `"${s.category}" (${s.source === "known" ? "labeled" : probabilityText(s.confidence)})`;
  return [
    `predictions: ${r.changed.length} of ${r.compared} abstracts changed category`,
    ...r.changed.slice(0, maxShown).map((c) => `  ${where(c.input)}  ${side(c.a)} -> ${side(c.b)}  ${JSON.stringify(c.input.abstract.slice(0, 60))}`),
    ...(r.changed.length > maxShown ? [`  ... and ${r.changed.length - maxShown} more`] : []),
  ];
}
