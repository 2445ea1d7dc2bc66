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
    expect(t("sparse autoencoders extract features"))
      .toEqual(["sparse", "autoencoders", "extract", "features", "sparse autoencoders", "autoencoders extract", "extract features"]);
  });

  it("gives the same tokens however often it has seen a word (memoised stemming is transparent)", () => {
    const t = makeTokenizer();
    const text = "Rewarding models reward MODELS";
    // each word once, then again from the memo, in another case, and after other words filled it
    expect(t(text)).toEqual(["reward", "model", "reward", "model"]);
    expect(t("interpretable models")).toEqual(["interpret", "model"]);
    expect(t(text)).toEqual(["reward", "model", "reward", "model"]);
    // another tokenizer's settings share no memo: the same words, unstemmed
    expect(makeTokenizer({ ...DEFAULT_TOKENIZER, stem: "none" })(text)).toEqual(["rewarding", "models", "reward", "models"]);
    expect(t(text)).toEqual(["reward", "model", "reward", "model"]);
  });
});

describe("abstractKey", () => {
  it("folds case and whitespace", () => {
    expect(abstractKey("  Sparse\n autoencoders  PROVIDE ")).toBe("sparse autoencoders provide");
    expect(abstractKey("Sparse\tAutoencoders\u00a0\u00a0provide")).toBe("sparse autoencoders provide");
  });
});
