import { ENGLISH_STOP_WORDS, porterStem } from "./natural.js";
import { isAscii, nfkc } from "./normalize.js";
import { detached, WordTrie } from "./wordTrie.js";
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
/** The word pattern of words.ts as it reads on ASCII text. */
const ASCII_WORD = /[A-Za-z0-9]+(?:'[A-Za-z]+)*/g;
/** Distinct words remembered per tokenizer; past this the memo starts afresh, so memory stays bounded on any dump. */
const MEMO_LIMIT = 1 << 18;

/**
 * Unicode NFKC folds typographic variants (ligatures, full-width letters) to one form;
 * LaTeX commands such as `\emph` are markup, not words.
 */
export function nfkcWithoutLatex(text: string): string {
  return withoutLatex(nfkc(text));
}

function withoutLatex(text: string): string {
  return text.includes("\\") ? text.replace(LATEX_COMMAND, " ") : text; // no backslash, no LaTeX: skip the regex
}

export type Tokenizer = (text: string) => string[];

/** What becomes of a word: its token (apostrophes dropped: "model's" -> "models", then stemmed), or null when the word is dropped. */
function tokenRule(settings: TokenizerSettings): (match: string) => string | null {
  const stop = settings.stopWords === "english" ? ENGLISH_STOP_WORDS : new Set<string>();
  return (match) => {
    let w = match.replace(/['’]/g, "");
    if (settings.lowercase) w = w.toLowerCase();
    if ([...w].length < settings.minLength || ALL_DIGITS.test(w) || stop.has(w.toLowerCase())) return null;
    return settings.stem === "none" ? w : porterStem(w);
  };
}

/** A text's words, before tokenizing: normalised (see nfkcWithoutLatex), then found by the word pattern. */
function wordsOf(text: string): string[] {
  // most abstracts are ASCII, and the regular expression engine finds ASCII words fastest; ASCII
  // text is its own NFKC form and stays ASCII without its LaTeX, so one scan settles both
  const ascii = isAscii(text);
  const normal = ascii ? withoutLatex(text) : nfkcWithoutLatex(text);
  return ascii || isAscii(normal) ? (normal.match(ASCII_WORD) ?? []) : words(normal);
}

interface WordMemo<T> {
  /** Appends to `out` what each word of `text` becomes, in order, leaving out `skip`. */
  read(text: string, out: T[], skip: T): void;
}

/**
 * Remembers what each distinct word becomes. A lower-casing tokenizer uses a trie walked as the
 * text is scanned (see wordTrie.ts); one that keeps case, a map of the words.
 */
function wordMemo<T>(compute: (word: string) => T, settings: TokenizerSettings, limit?: number): WordMemo<T> {
  if (settings.lowercase) return new WordTrie(compute, wordsOf, limit);
  const memo = new Map<string, T>();
  const max = limit ?? MEMO_LIMIT;
  return {
    read(text, out, skip) {
      for (const word of wordsOf(text)) {
        let v = memo.get(word);
        if (v === undefined) {
          v = compute(word);
          if (memo.size >= max) memo.clear();
          memo.set(detached(word), v);
        }
        if (v !== skip) out.push(v);
      }
    },
  };
}

/**
 * Builds a tokenizer. What becomes of a word (dropped, or its stem) depends only on the word, and
 * abstracts repeat their vocabulary, so each distinct word is worked out once and remembered
 * (see `wordMemo`).
 */
export function makeTokenizer(settings: TokenizerSettings = DEFAULT_TOKENIZER): Tokenizer {
  const memo = wordMemo(tokenRule(settings), settings);
  return (text: string) => {
    const tokens: string[] = [];
    memo.read(text, tokens as (string | null)[], null);
    if (settings.ngrams <= 1) return tokens;
    const out = tokens.slice();
    for (let n = 2; n <= settings.ngrams; n++) {
      for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(" "));
    }
    return out;
  };
}

/** Memo mark of a word the tokenizer drops (ids are -1 or more). */
const DROPPED = -2;

/**
 * The tokenizer and a vocabulary lookup in one: a text's tokens as `id(token)` (a term index, or
 * -1 for a term the vocabulary lacks), exactly `makeTokenizer(settings)(text).map(id)`. Each
 * distinct word is tokenized and looked up once and remembered, so predicting does one memo
 * lookup per word (made without cutting the word out of the text, see wordTrie.ts) instead of
 * one for the token and another for its term. Unigrams only: an n-gram is several words, so for
 * `ngrams > 1` this throws and callers use `makeTokenizer`.
 */
export function makeTokenIds(settings: TokenizerSettings, id: (token: string) => number, limit?: number): (text: string) => number[] {
  if (settings.ngrams > 1) throw new Error("makeTokenIds reads unigrams only");
  const tokenOf = tokenRule(settings);
  const memo = wordMemo((word) => {
    const token = tokenOf(word);
    return token === null ? DROPPED : id(token);
  }, settings, limit);
  return (text: string) => {
    const ids: number[] = [];
    memo.read(text, ids, DROPPED);
    return ids;
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

