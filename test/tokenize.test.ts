import { describe, expect, it } from "vitest";
import { DEFAULT_TOKENIZER, makeTokenizer } from "../src/text/tokenize.js";
import { abstractKey } from "../src/text/normalize.js";

describe("tokenizer", () => {
  it("lower-cases, drops stop words and numbers, stems", () => {
    const t = makeTokenizer(DEFAULT_TOKENIZER);
    expect(t("The Models were Tampering with 2024 rewards")).toEqual(["model", "tamper", "reward"]);
  });

  it("is Unicode-aware: accents, non-Latin scripts and typographic variants", () => {
    const t = makeTokenizer({ ...DEFAULT_TOKENIZER, stem: "none", stopWords: "none" });
    expect(t("Café naïve — ﬁne-tuning Überprüfung 安全")).toEqual(["café", "naïve", "fine", "tuning", "überprüfung", "安全"]);
  });

  it("strips LaTeX commands but keeps their arguments", () => {
    const t = makeTokenizer({ ...DEFAULT_TOKENIZER, stem: "none" });
    expect(t("\\emph{Circuit analysis} is promising")).toEqual(["circuit", "analysis", "promising"]);
  });

  it("adds word bigrams when asked", () => {
    const t = makeTokenizer({ ...DEFAULT_TOKENIZER, stem: "none", ngrams: 2 });
    expect(t("sparse autoencoders extract features")).toEqual(["sparse", "autoencoders", "extract", "features", "sparse autoencoders", "autoencoders extract", "extract features"]);
  });

  it("gives the same tokens on repeated calls (memoised stemming is transparent)", () => {
    const t = makeTokenizer();
    const text = "interpretability of interpretable interpretations";
    expect(t(text)).toEqual(t(text));
  });
});

describe("abstractKey", () => {
  it("folds case and whitespace", () => {
    expect(abstractKey("  Sparse\n autoencoders  PROVIDE ")).toBe(abstractKey("sparse autoencoders provide"));
  });
});
