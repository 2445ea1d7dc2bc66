import { ENGLISH_STOP_WORDS, porterStem } from "./natural.js";

/** Tokenizer settings travel with every model so a reloaded model tokenizes exactly as it was trained. */
export interface TokenizerSettings {
  lowercase: boolean;
  stopWords: "english" | "none";
  stem: "porter" | "none";
  /** Tokens shorter than this (in code points) are dropped. */
  minLength: number;
  /** Word n-grams up to this length are added (1 = unigrams only); n-grams skip stop words. */
  ngrams: number;
}

export const DEFAULT_TOKENIZER: TokenizerSettings = {
  lowercase: true,
  stopWords: "english",
  stem: "porter",
  minLength: 2,
  ngrams: 1,
};

/** A letter or digit run, letters of any script; apostrophes inside words are dropped ("model's" -> "models"). */
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}]+)*/gu;
const LATEX_COMMAND = /\\[a-zA-Z]+/g;
const ALL_DIGITS = /^\p{N}+$/u;

/**
 * Unicode NFKC folds typographic variants (ligatures, full-width letters) to one form;
 * LaTeX commands such as `\emph` are markup, not words.
 */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").replace(LATEX_COMMAND, " ");
}

export type Tokenizer = (text: string) => string[];

/** Builds a tokenizer; the stemmer is memoised per tokenizer because abstracts repeat their vocabulary. */
export function makeTokenizer(settings: TokenizerSettings = DEFAULT_TOKENIZER): Tokenizer {
  const stems = new Map<string, string>();
  const stem = (w: string): string => {
    if (settings.stem === "none") return w;
    let s = stems.get(w);
    if (s === undefined) {
      s = porterStem(w);
      stems.set(w, s);
    }
    return s;
  };
  const stop = settings.stopWords === "english" ? ENGLISH_STOP_WORDS : new Set<string>();
  return (text: string) => {
    const words: string[] = [];
    for (const m of normalizeText(text).matchAll(WORD)) {
      let w = m[0].replace(/['’]/g, "");
      if (settings.lowercase) w = w.toLowerCase();
      if ([...w].length < settings.minLength || ALL_DIGITS.test(w) || stop.has(w.toLowerCase())) continue;
      words.push(stem(w));
    }
    if (settings.ngrams <= 1) return words;
    const out = words.slice();
    for (let n = 2; n <= settings.ngrams; n++) {
      for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(" "));
    }
    return out;
  };
}
