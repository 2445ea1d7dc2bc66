import { driftVerdict, type DriftReport, type OovTally } from "../modelfile/drift.js";
import type { LoadedModel } from "../modelfile/modelFile.js";
import type { PredictionDigest } from "./batch.js";

export interface DriftMeter {
  add(p: PredictionDigest): void;
  result(): DriftReport | undefined;
}

/**
 * Watches predictions go by and measures how unlike the training data they are (see
 * modelfile/drift.ts). Only what the model scored counts: an already-labeled abstract is training
 * data, an empty one says nothing. Undefined for a model file without a drift baseline (trained
 * before safetag recorded one).
 */
export function driftMeter(model: LoadedModel): DriftMeter | undefined {
  const baseline = model.drift;
  if (!baseline) return undefined;
  const oov: OovTally = { abstracts: 0, sum: 0 };
  let outOfScope = 0;
  return {
    add(p) {
      if (p.source !== "model" || p.unknownShare === undefined) return;
      oov.abstracts++;
      oov.sum += p.unknownShare;
      if (p.outOfScope) outOfScope++;
    },
    result() {
      const expected = model.report?.scope.quantile;
      return driftVerdict(baseline, oov, expected === undefined ? undefined : { outOfScope, expected });
    },
  };
}
