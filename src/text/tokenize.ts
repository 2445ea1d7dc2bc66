import { ENGLISH_STOP_WORDS, porterStem } from "./natural.js";
import { nfkc } from "./normalize.js";
import { words } from "./words.js";

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

const LATEX_COMMAND = /\\[a-zA-Z]+/g;
const ALL_DIGITS = /^\p{N}+$/u;
const NON_ASCII = /[^\x00-\x7f]/;
/** The word pattern of words.ts as it reads on ASCII text. */
const ASCII_WORD = /[A-Za-z0-9]+(?:'[A-Za-z]+)*/g;
/** Distinct words remembered per tokenizer; past this the memo starts afresh, so memory stays bounded on any dump. */
const MEMO_LIMIT = 1 << 18;

/**
 * Unicode NFKC folds typographic variants (ligatures, full-width letters) to one form;
 * LaTeX commands such as `\emph` are markup, not words.
 */
export function normalizeText(text: string): string {
  const folded = nfkc(text);
  return folded.includes("\\") ? folded.replace(LATEX_COMMAND, " ") : folded; // no backslash, no LaTeX: skip the regex
}

export type Tokenizer = (text: string) => string[];

/**
 * A copy of a word cut from a text that does not keep the whole text alive (V8 makes a long
 * slice a view into its source), so remembering words never means remembering abstracts.
 */
function detached(word: string): string {
  return (" " + word).slice(1);
}

/**
 * Builds a tokenizer. What becomes of a word (dropped, or its stem) depends only on the word, and
 * abstracts repeat their vocabulary, so each distinct word is worked out once and remembered.
 */
export function makeTokenizer(settings: TokenizerSettings = DEFAULT_TOKENIZER): Tokenizer {
  const stop = settings.stopWords === "english" ? ENGLISH_STOP_WORDS : new Set<string>();
  /** A word's token (apostrophes dropped: "model's" -> "models", then stemmed), or null when the word is dropped. */
  const tokenOf = (match: string): string | null => {
    let w = match.replace(/['’]/g, "");
    if (settings.lowercase) w = w.toLowerCase();
    if ([...w].length < settings.minLength || ALL_DIGITS.test(w) || stop.has(w.toLowerCase())) return null;
    return settings.stem === "none" ? w : porterStem(w);
  };
  const memo = new Map<string, string | null>();
  return (text: string) => {
    const normal = normalizeText(text);
    // most abstracts are ASCII, and the regular expression engine finds ASCII words fastest
    const found = NON_ASCII.test(normal) ? words(normal) : (normal.match(ASCII_WORD) ?? []);
    const tokens: string[] = [];
    for (const match of found) {
      let token = memo.get(match);
      if (token === undefined) {
        token = tokenOf(match);
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(detached(match), token);
      }
      if (token !== null) tokens.push(token);
    }
    if (settings.ngrams <= 1) return tokens;
    const out = tokens.slice();
    for (let n = 2; n <= settings.ngrams; n++) {
      for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(" "));
    }
    return out;
  };
}

/**
 * A tokenizer that remembers every text's tokens. Training tokenizes the same rows again for
 * every candidate setting and fold; this makes it once per row. The returned arrays are shared,
 * so callers must not change them. Keep it only as long as the rows.
 */
export function rememberingTokenizer(tokenize: Tokenizer): Tokenizer {
  const seen = new Map<string, string[]>();
  return (text) => {
    let tokens = seen.get(text);
    if (!tokens) seen.set(text, (tokens = tokenize(text)));
    return tokens;
  };
}

