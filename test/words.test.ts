import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { WORD_PATTERN, words } from "../src/text/words.js";

const byRegex = (text: string) => text.match(WORD_PATTERN) ?? [];

describe("word scanner", () => {
  it("finds the same words as the regular expression on worked examples", () => {
    for (const text of [
      "The model's reward-hacking (RLHF) in 2024: it's 3x.",
      "it's2 don’t '’a ’' x'y'z''w",
      "naïve café ﬁne Ｆｕｌｌ 東京 Москва ٣٤ e\u0301t\u00e9",
      "𝐀𝐁 surrogate 😀 pair \ud800 lone",
      "",
    ]) {
      expect(words(text)).toEqual(byRegex(text));
    }
  });

  it("finds the same words as the regular expression on any text", () => {
    const pieces = fc.constantFrom("a", "Z", "é", "9", "٣", "\u0301", "'", "’", " ", "-", "😀", "𝐀", "\ud800", "東", "\n");
    fc.assert(fc.property(fc.array(fc.oneof(pieces, fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" })), { maxLength: 30 }), (parts) => {
      const text = parts.join("");
      expect(words(text)).toEqual(byRegex(text));
    }), { numRuns: 1000 });
  });
});
