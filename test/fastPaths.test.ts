/**
 * The hot path of training and predicting has fast versions of plain definitions (a hand-written
 * word scan, skipped normalisation for ASCII, sorted-run counting, a top-k selection). Each must
 * give exactly what the plain definition gives; these tests pin that on arbitrary text.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { WORD_PATTERN, words } from "../src/text/words.js";
import { DEFAULT_TOKENIZER, makeTokenIds, makeTokenizer, type TokenizerSettings } from "../src/text/tokenize.js";
import { ENGLISH_STOP_WORDS, porterStem } from "../src/text/natural.js";
import { abstractKey, foldSpace, isAscii, isPlain, nfkc, PlainBreaks } from "../src/text/normalize.js";
import { TermCounter, Vocabulary } from "../src/features/vocabulary.js";
import { makeExplainer } from "../src/predict/explain.js";
import { commonSpace, FeatureSpace, RAW_COUNTS, TFIDF } from "../src/features/featureSpace.js";
import { TrainingTexts } from "../src/features/trainingTexts.js";
import { abstractDigester, abstractHasher, textHash } from "../src/modelfile/knownAbstracts.js";
import { KeyBytes } from "../src/text/keyBytes.js";
import { trainingSet, type FittedClassifier } from "../src/models/contract.js";
import { BUILT_IN_KINDS } from "../src/models/kinds.js";
import { fitGated, Gated } from "../src/models/gated.js";
import { Ensemble } from "../src/models/ensemble.js";
import { scoreTokens } from "../src/models/scoring.js";

/** Text with what the fast paths branch on: ASCII and not, apostrophes, LaTeX, odd spaces, astral characters. */
const pieces =
  fc.constantFrom("a", "Z", "model", "The", "é", "9", "٣", "\u0301", "'", "’", " ", "  ", "\t", "\n", "\u00a0", "-",
    "😀", "𝐀", "\ud800", "東", "ﬁ", "Ｆ", "\\emph{", "}", "x's", "it's2", "—", "“", "…", "™", "①", "\u0338", "=");
/** Plain text (see isPlain): ASCII with dashes, typographic quotes and other plain breaks, ’ as an apostrophe. */
const plainPieces =
  fc.constantFrom("a", "Z", "model", "The", "9", "'", "’", " ", "\t", "-", "—", "–", "“", "”", "→", "€", "\u1680",
    "x’s", "don’t", "it’s2", "’a", "a’", "\\emph{", "}");
const plainText = fc.array(fc.oneof(plainPieces, fc.string({ maxLength: 4 })), { maxLength: 30 }).map((p) => p.join(""));
const anyText = fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 }), fc.string({ unit: "binary", maxLength: 4 })), { maxLength: 30 }).map((p) => p.join(""));
const asciiPieces = fc.constantFrom("a", "Z", "model", "The", "9", "'", " ", "  ", "\t", "-", "x's", "it's2", "\\emph{", "}");
const asciiText = fc.array(fc.oneof(asciiPieces, fc.string({ maxLength: 6 })), { maxLength: 30 }).map((p) => p.join(""));
const text = fc.oneof(anyText, asciiText, plainText);

/** The tokenizer as first written: one regular expression, no memo, no ASCII fast path. */
function referenceTokenizer(settings: TokenizerSettings): (text: string) => string[] {
  return (input) => {
    const out: string[] = [];
    for (const m of input.normalize("NFKC").replace(/\\[a-zA-Z]+/g, " ").matchAll(WORD_PATTERN)) {
      let w = m[0].replace(/['’]/g, "");
      if (settings.lowercase) w = w.toLowerCase();
      if ([...w].length < settings.minLength || /^\p{N}+$/u.test(w) || (settings.stopWords === "english" && ENGLISH_STOP_WORDS.has(w.toLowerCase()))) continue;
      out.push(settings.stem === "none" ? w : porterStem(w));
    }
    return out;
  };
}

describe("fast paths give exactly what the plain definitions give", () => {
  it("the word scan finds the regular expression's words", () => {
    for (const t of ["The model's reward-hacking (RLHF) in 2024: it's 3x.", "it's2 don’t '’a ’' x'y'z''w",
      "naïve café ﬁne Ｆｕｌｌ 東京 ٣٤ e\u0301t", "𝐀𝐁 😀 \ud800 lone", ""]) {
      expect(words(t)).toEqual(t.match(WORD_PATTERN) ?? []);
    }
    fc.assert(
      fc.property(text, (t) => {
        expect(words(t)).toEqual(t.match(WORD_PATTERN) ?? []);
      }),
      { numRuns: 1000 },
    );
  });

  it("the tokenizer gives the reference tokens, whatever its settings and however often it has seen a word", () => {
    for (const over of [{}, { stem: "none" as const }, { lowercase: false }, { stopWords: "none" as const, minLength: 1 }]) {
      const settings = { ...DEFAULT_TOKENIZER, ...over };
      const fast = makeTokenizer(settings);
      const reference = referenceTokenizer(settings);
      fc.assert(
        fc.property(text, (t) => {
          expect(fast(t)).toEqual(reference(t));
        }),
        { numRuns: 300 },
      );
    }
  });

  it("tokenizing straight to term ids gives the tokenizer's tokens, looked up", () => {
    const vocabulary = Vocabulary.from(["model", "the", "z", "s", "it2", "emph", "e"]);
    const id = (t: string) => vocabulary.get(t) ?? -1;
    for (const over of [{}, { stem: "none" as const }, { lowercase: false }, { stopWords: "none" as const, minLength: 1 }]) {
      const settings = { ...DEFAULT_TOKENIZER, ...over };
      const tokenize = makeTokenizer(settings);
      const ids = makeTokenIds(settings, id);
      const reading = { plain: !settings.lowercase }; // told every time: a reading left as it was would keep this
      fc.assert(
        fc.property(text, (t) => {
          expect(ids(t, reading)).toEqual(tokenize(t).map(id));
          // plain only for plain text (isPlain), and always so when the tokenizer lower-cases (it scans plain text as bytes)
          expect([t, reading.plain]).toEqual([t, settings.lowercase && isPlain(t)]);
        }),
        { numRuns: 300 },
      );
    }
    const reading = { plain: true };
    makeTokenIds(DEFAULT_TOKENIZER, id)(`${"a".repeat(1 << 20)} b`, reading); // too long to copy: read as other text, plain or not
    expect(reading.plain).toBe(false);
  });

  it("plain text has the tokens of its normalised form, so the byte scan and the known-abstract fingerprints may read it as ASCII", () => {
    const tokenize = makeTokenizer(DEFAULT_TOKENIZER);
    const reference = referenceTokenizer(DEFAULT_TOKENIZER);
    for (const t of ["The model’s reward—hacking “works”", "don’t ’quote’ x’ →y", "a\u1680b\u2028C"]) expect([t, isPlain(t)]).toEqual([t, true]);
    for (const t of ["naïve", "™", "e\u0301", "\ud800", "…", "ﬁ", "\u00a0"]) expect([t, isPlain(t)]).toEqual([t, false]);
    // every code unit: a plain one between letters changes nothing when normalised
    const around = (c: number) => `Ab${String.fromCharCode(c)}cD’s`;
    const plain = Array.from({ length: 0x10000 - 0x80 }, (_, i) => 0x80 + i).filter((c) => isPlain(around(c)));
    expect(plain).toEqual(expect.arrayContaining([0x2013, 0x2014, 0x201c, 0x2192, 0x20ac, 0x1680, 0x2028]));
    expect(plain.filter((c) => JSON.stringify(reference(abstractKey(around(c)))) !== JSON.stringify(reference(around(c))))).toEqual([]);
    fc.assert(
      fc.property(plainText, (t) => {
        expect(isPlain(t)).toBe(true);
        expect(tokenize(t)).toEqual(reference(t));
        expect(reference(abstractKey(t))).toEqual(reference(t));
      }),
      { numRuns: 1000 },
    );
  });

  it("isPlain answers the same with a PlainBreaks remembering its answers, asked once or twice, for every code unit", () => {
    const breaks = new PlainBreaks();
    const differ: number[] = [];
    let plain = 0;
    for (let round = 0; round < 2; round++) {
      for (let c = 0x80; c <= 0xffff; c++) {
        const t = `a${String.fromCharCode(c)}b`;
        const answer = isPlain(t);
        if (isPlain(t, breaks) !== answer) differ.push(c);
        if (answer) plain++;
      }
    }
    expect(differ).toEqual([]);
    expect(plain).toBeGreaterThan(1000); // dashes, quotes, arrows, symbols: both answers were asked
  });

  it("a full word memo starts afresh without changing a token, even for a word longer than the whole memo", () => {
    const vocabulary = Vocabulary.from(["model", "the", "z", "s", "it2", "emph", "e", "reward", "hack"]);
    const id = (t: string) => vocabulary.get(t) ?? -1;
    for (const limit of [3, 8, 40]) {
      for (const over of [{}, { lowercase: false }]) {
        const settings = { ...DEFAULT_TOKENIZER, ...over };
        const tokenize = makeTokenizer(settings);
        const ids = makeTokenIds(settings, id, limit);
        for (const t of ["supercalifragilistic model's rewards", "The MODEL the model",
          "reward-hacking it's2 naïve modèle"]) expect(ids(t)).toEqual(tokenize(t).map(id));
        fc.assert(
          fc.property(text, (t) => {
            expect(ids(t)).toEqual(tokenize(t).map(id));
          }),
          { numRuns: 200 },
        );
      }
    }
  });

  it("reading a text once gives its vector and unknown share, by tokens or by term ids", () => {
    const terms = ["a", "b", "c", "d", "e"];
    for (const settings of [RAW_COUNTS, TFIDF]) {
      const space = new FeatureSpace(settings, settings.idf ? { terms, idf: [1, 1.5, 2, 2.5, 3] } : { terms });
      fc.assert(
        fc.property(fc.array(fc.constantFrom("a", "b", "c", "d", "e", "zz", "y"), { maxLength: 40 }), (tokens) => {
          const read = space.read(tokens);
          expect(read.vector).toEqual(space.vectorize(tokens));
          expect(read.unknownShare).toBe(space.outOfVocabularyShare(tokens));
          expect(space.readIds(tokens.map((t) => space.termIndex(t) ?? -1))).toEqual(read);
        }),
      );
    }
  });

  it("a feature space is the same as another only when every setting, term and IDF agree", () => {
    const space = new FeatureSpace(TFIDF, { terms: ["a", "b"], idf: [1, 2] });
    expect(space.sameAs(new FeatureSpace(TFIDF, { terms: ["a", "b"], idf: [1, 2] }))).toBe(true);
    expect(space.sameAs(new FeatureSpace(TFIDF, { terms: ["b", "a"], idf: [1, 2] }))).toBe(false);
    expect(space.sameAs(new FeatureSpace(TFIDF, { terms: ["a", "b"], idf: [1, 2.5] }))).toBe(false);
    expect(space.sameAs(new FeatureSpace({ ...TFIDF, l2: false }, { terms: ["a", "b"], idf: [1, 2] }))).toBe(false);
    expect(space.sameAs(new FeatureSpace(RAW_COUNTS, { terms: ["a", "b"] }))).toBe(false);
  });

  it("folding spaces and NFKC skip work only when it would change nothing", () => {
    // every white-space character, and only those, makes a text need folding
    for (let cp = 0; cp <= 0xffff; cp++) {
      const ch = String.fromCharCode(cp);
      expect([cp, foldSpace(`a${ch}b`) !== `a${ch}b`]).toEqual([cp, /\s/.test(ch) && ch !== " "]);
    }
    expect(foldSpace("a  b")).toBe("a b");
    const abstractHash = abstractHasher(); // one buffer for every text, as training and the known-abstract index use it
    const digest = abstractDigester(); // the same, as the indexes keep it: three 32-bit words
    const words = new Int32Array(4);
    const hexOf = (w: Int32Array) => [...w].map((x) => (x >>> 0).toString(16).padStart(8, "0")).join("");
    // the key made as bytes: every ASCII character between two letters, and runs at either end
    for (let c =
      0; c < 128; c++) for (
        const t of [
          `aB${String.fromCharCode(c)}Cd`, `${String.fromCharCode(c)} X \t${String.fromCharCode(c)}`]) expect(abstractHash(t)).toBe(textHash(abstractKey(t)));
    fc.assert(
      fc.property(text, (t) => {
        expect(foldSpace(t)).toBe(t.replace(/\s+/g, " ").trim());
        expect(nfkc(t)).toBe(t.normalize("NFKC"));
        expect(isAscii(t)).toBe(/^[\x00-\x7f]*$/.test(t));
        expect(abstractHash(t)).toBe(textHash(abstractKey(t)));
        digest(t, words, 1);
        expect(hexOf(words.subarray(1))).toBe(textHash(abstractKey(t)));
        expect(abstractKey(t)).toBe(t.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim());
      }),
      { numRuns: 1000 },
    );
  });

  it("an abstract's key made as bytes is abstractKey's UTF-8, for every byte at every place in a 32-bit word; other text is left to abstractKey", () => {
    const key = new KeyBytes(); // one buffer for every text, as a run uses it
    const decoder = new TextDecoder();
    const check = (t: string) => {
      const bytes = key.of(t);
      if (bytes !== undefined) expect([t, decoder.decode(bytes)]).toEqual([t, abstractKey(t)]);
      return bytes !== undefined;
    };
    // each code unit at each of the four places of a word and in the last bytes (lengths 4k to 4k + 3), twice in a row and alone
    for (let c = 0; c < 0x3000; c++) {
      const ch = String.fromCharCode(c);
      for (let pad = 0; pad < 4; pad++) for (const t of [`${"Ab".slice(0, pad)}${ch}Cd`, `Wxyz${"A".repeat(pad)}${ch}${ch}`, ch, ` ${ch} `]) check(t);
    }
    for (const ch of ["\u1680", "\u2028", "\u2029", "\ufeff", "\u3000", "\u00a0", "é", "ﬁ", "\ud800"]) expect(check(`a${ch}b`)).toBe(false);
    // abstracts as they mostly are take the bytes path: plain text, capitals, single spaces, dashes and quotes
    for (const t of ["The Reward Model’s “Honest” — Answer: 42% (RLHF).", "ZZZZ@[`{ AZaz", "", "x", "It's 3–4x."]) expect(check(t)).toBe(true);
    expect(check("Tabs\tand  double  spaces\n")).toBe(true);
    fc.assert(fc.property(text, (t) => void check(t)), { numRuns: 2000 });
  });

  it("vectorizing counts known terms, in index order, as a map would", () => {
    const vocabulary = Vocabulary.from(["a", "b", "c", "d", "e"]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", "d", "e", "zz"), { maxLength: 40 }), (tokens) => {
        const counts = new Map<number, number>();
        for (const t of tokens) if (vocabulary.get(t) !== undefined) counts.set(vocabulary.get(t)!, (counts.get(vocabulary.get(t)!) ?? 0) + 1);
        const expected = [...counts].sort((x, y) => x[0] - y[0]);
        const x = vocabulary.vectorize(tokens);
        expect([...x.indices].map((i, k) => [i, x.values[k]])).toEqual(expected);
        const fresh = new Vocabulary();
        const added = fresh.addAll(tokens);
        expect(added).toEqual(fresh.vectorize(tokens));
      }),
    );
  });

  it("counting term ids gives each distinct known id once, in increasing order, with its count, for vocabularies of any size", () => {
    // few and many distinct terms (insertion and radix sorts), indices needing one to three bytes
    const ids = fc.oneof(fc.integer({ min: -1, max: 300 }), fc.integer({ min: -1, max: 70_000 }), fc.integer({ min: -1, max: 300_000 }));
    const counter = new TermCounter(); // its buffers kept from one text to the next, as a vocabulary keeps them
    fc.assert(
      fc.property(fc.array(ids, { maxLength: 400, size: "max" }), (list) => {
        const counts = new Map<number, number>();
        for (const id of list) if (id >= 0) counts.set(id, (counts.get(id) ?? 0) + 1);
        const expected = [...counts].sort((x, y) => x[0] - y[0]);
        const { counts: x, known } = counter.count(list);
        expect([...x.indices].map((i, k) => [i, x.values[k]])).toEqual(expected);
        expect(known).toBe(list.filter((id) => id >= 0).length);
      }),
      { numRuns: 500 },
    );
  });

  it("a training set's texts are fitted once per settings, to the space and vectors their tokens give", () => {
    const table = ["reward", "model", "attack", "circuit"];
    const ids = [Int32Array.from([0, 1, 1]), Int32Array.from([2, 3])];
    const tokens = ids.map((list) => Array.from(list, (t) => table[t]!));
    const same = (x: { space: FeatureSpace; vectors: unknown }, y: { space: FeatureSpace; vectors: unknown }) => {
      expect(x.space.toJSON()).toEqual(y.space.toJSON());
      expect(x.vectors).toEqual(y.vectors);
    };
    const texts = TrainingTexts.ofIds(ids, table);
    expect(texts.inSpace(TFIDF)).toBe(texts.inSpace(TFIDF)); // fitted once
    for (const settings of [TFIDF, RAW_COUNTS]) {
      same(texts.inSpace(settings), FeatureSpace.fitTransform(tokens, settings));
      same(TrainingTexts.ofTokens(tokens).inSpace(settings), FeatureSpace.fitTransform(tokens, settings));
      same(FeatureSpace.fitTransformIds(ids, table, settings), FeatureSpace.fitTransform(tokens, settings));
    }
    // the vectors of a space it fitted, and of no other
    expect(texts.vectorsIn(texts.inSpace(RAW_COUNTS).space)).toBe(texts.inSpace(RAW_COUNTS).vectors);
    expect(texts.vectorsIn(FeatureSpace.fitTransform(tokens, TFIDF).space)).toBeUndefined();
    // more texts after these: by ids when both are ids of one table, by tokens otherwise
    const more = [["model", "probe"], ["reward"]];
    const both = [...tokens, ...more];
    same(texts.concat(TrainingTexts.ofIds([Int32Array.from([1])], table)).inSpace(TFIDF), FeatureSpace.fitTransform([...tokens, ["model"]], TFIDF));
    same(texts.concat(TrainingTexts.ofTokens(more)).inSpace(TFIDF), FeatureSpace.fitTransform(both, TFIDF));
    same(TrainingTexts.ofTokens(more).concat(texts).inSpace(TFIDF), FeatureSpace.fitTransform([...more, ...tokens], TFIDF));
  });

  it("an ensemble's members and a two-stage model's stages score one reading of a text as they score their own", () => {
    const examples = [
      { tokens: ["reward", "model", "model", "hacking"], category: "a" },
      { tokens: ["attack", "circuit", "probe"], category: "b" },
      { tokens: ["probe", "model", "neurons"], category: "b" },
      { tokens: ["weather", "crops", "model"], category: "out" },
      { tokens: ["crops", "soil"], category: "out" },
    ];
    const set = trainingSet(examples);
    const categories = ["a", "b", "out"];
    const words =
      fc.array(fc.constantFrom("reward", "model", "hacking", "attack", "circuit", "probe", "neurons", "weather", "crops", "soil", "unseen"), { maxLength: 20 });
    const stage = (kind: keyof typeof BUILT_IN_KINDS) => BUILT_IN_KINDS[kind].fit;
    // same settings (one space, as training fits them) and different ones (raw counts, each stage weighing them)
    for (const [gate, inner] of [["tfidf-nb", "complement-nb"], ["tfidf-nb", "multinomial-nb"], ["multinomial-nb", "logistic"]] as const) {
      const gated =
        fitGated(set,
          { outside: "out", gate: stage(gate), classifier: stage(inner), gateEvidenceWeight: 1, gateTemperature: 0.5,
            innerTemperature: 2 }, categories) as Gated;
      expect(gated.features === gated.gate.features).toBe(gate !== "multinomial-nb" && inner !== "multinomial-nb");
      fc.assert(
        fc.property(words, (tokens) => {
          expect(scoreTokens(gated, tokens)).toEqual(gated.combine(scoreTokens(gated.gate, tokens), scoreTokens(gated.classifier, tokens)));
        }),
        { numRuns: 200 },
      );
    }
    const members = [BUILT_IN_KINDS["multinomial-nb"].fit(set, categories), BUILT_IN_KINDS.logistic.fit(set, categories)];
    expect(commonSpace(members.map((m) => m.features))?.shared).toBe(false);
    const ensemble = BUILT_IN_KINDS.ensemble.fit(set, categories) as Ensemble;
    expect(ensemble.features).toBe(ensemble.members[0]!.features); // one space, fitted once
    const fused = (tokens: string[], of: readonly FittedClassifier[]) => {
      const out = new Float64Array(categories.length);
      for (const m of of) {
        const s = scoreTokens(m, tokens);
        const mean = s.reduce((x, y) => x + y, 0) / s.length;
        const sd = Math.sqrt(s.reduce((x, y) => x + (y - mean) ** 2, 0) / s.length);
        for (let c = 0; c < out.length; c++) out[c]! += (sd > 0 ? (s[c]! - mean) / sd : 0) / of.length;
      }
      return out;
    };
    const mixed = new Ensemble(categories, members); // raw counts, each member weighing them
    fc.assert(
      fc.property(words, (tokens) => {
        expect(scoreTokens(ensemble, tokens)).toEqual(fused(tokens, ensemble.members));
        expect(scoreTokens(mixed, tokens)).toEqual(fused(tokens, members));
      }),
      { numRuns: 200 },
    );
    // spaces of different terms are not read as one
    expect(commonSpace([new FeatureSpace(TFIDF, { terms: ["a"], idf: [1] }), new FeatureSpace(TFIDF, { terms: ["b"], idf: [1] })])).toBeUndefined();
  });

  it("a space fitted on token ids vectorizes ids as it vectorizes their tokens, tokens it never saw included", () => {
    const table = ["reward", "model", "attack", "circuit", "probe"];
    const fitted = FeatureSpace.fitTransformIds([Int32Array.from([1, 0, 1]), Int32Array.from([2, 1])], table, TFIDF).space;
    const later = [...table, "jailbreak", "honest"]; // ids the table gave out after the fit
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: later.length - 1 }), { maxLength: 30, size: "max" }), (list) => {
        const ids = Int32Array.from(list);
        expect(fitted.vectorizeInterned(ids, table)).toEqual(fitted.vectorize(list.map((i) => later[i]!)));
      }),
    );
    expect(fitted.vectorizeInterned(Int32Array.from([0]), [...table])).toBeUndefined(); // another table
    expect(FeatureSpace.fitTransform([["reward"]], TFIDF).space.vectorizeInterned(Int32Array.from([0]), table)).toBeUndefined(); // not fitted on ids
  });

  it("explanations pick the same top terms as sorting them all", () => {
    const weights: Record<string, number[]> = { a: [1, 0], b: [0.5, 0], c: [2, -1], d: [0, 1], e: [0.25, 0.25], f: [3, 1] };
    const classifier = { termWeights: (t: string) => (weights[t] ? Float64Array.from(weights[t]!) : undefined) } as unknown as FittedClassifier;
    const explainer = makeExplainer(classifier); // one per model: terms worked out once are kept
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", "d", "e", "f", "unknown"), { maxLength: 30 }),
        fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 7 }), (tokens, category, top) => {
        const counts = new Map<string, number>();
        for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
        const all = [...counts]
          .filter(([t]) => weights[t])
          .map(([term, n]) => ({ term, weight: n * (weights[term]![category]! - (weights[term]![0]! + weights[term]![1]!) / 2) }))
          .filter((e) => e.weight > 0)
          .sort((x, y) => y.weight - x.weight || (x.term < y.term ? -1 : 1));
        expect(explainer.ofTokens(tokens, category, top)).toEqual(all.slice(0, top));
      }),
    );
  });

  it("explanations from a text's counts are the explanations from its tokens", () => {
    const weights: Record<string, number[]> = { a: [1, 0], b: [0.5, 0], c: [2, -1], d: [0, 1], e: [0.25, 0.25], f: [3, 1], g: [1, 0] };
    const features = new FeatureSpace(RAW_COUNTS, { terms: Object.keys(weights) });
    const classifier =
      { categories: ["x", "y"], features,
        termWeights: (t: string) => (weights[t] ? Float64Array.from(weights[t]!) : undefined) } as unknown as FittedClassifier;
    const explainer = makeExplainer(classifier);
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "unknown"), { maxLength: 30 }),
        fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 7 }), (tokens, category, top) => {
        expect(explainer.ofCounts(features.read(tokens).counts, category, top)).toEqual(explainer.ofTokens(tokens, category, top));
      }),
    );
  });
});
