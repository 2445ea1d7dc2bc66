import { describe, expect, it } from "vitest";
import { evaluate } from "../src/evaluation/evaluate.js";
import { readLabeled, usableForTraining } from "../src/ingest/labeled.js";
import { fixture } from "./cliHarness.js";

describe("the model `evaluate` trains records its training data when it is trained", () => {
  it("has the data's path, row count and hash, so `run` keeps it as it is", () => {
    const rows = usableForTraining(readLabeled(fixture("tiny-labeled.csv")).rows);
    const { model } =
      evaluate(rows,
        { model: "multinomial-nb", folds: 2, repeats: 1, seed: 1, dataPath: "data/labeled.csv", dataSha256: "ab12",
          learningCurve: false, now: () => new Date(0) });
    expect(model.training).toEqual({ path: "data/labeled.csv", rows: 18, sha256: "ab12" });
  });
});
