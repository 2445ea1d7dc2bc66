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
  /** Appends to `out` what each word of `text` becomes, in order, leaving out `skip`; says whether it read the text as plain text (see WordTrie.read). */
  read(text: string, out: T[], skip: T): boolean;
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
      return false;
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

/** What reading a text found out about it, besides its tokens: filled in by whoever reads it (see makeTokenIds). */
export interface TextReading {
  /** The text was read as plain text, so `isPlain(text)` (normalize.ts) holds; false says nothing. */
  plain: boolean;
}

/** Memo mark of a word the tokenizer drops (ids are -1 or more). */
const DROPPED = -2;

/**
 * The tokenizer and a vocabulary lookup in one: a text's tokens as `id(token)` (a term index, or
 * -1 for a term the vocabulary lacks), exactly `makeTokenizer(settings)(text).map(id)`. Each
 * distinct word is tokenized and looked up once and remembered, so predicting does one memo
 * lookup per word (made without cutting the word out of the text, see wordTrie.ts) instead of
 * one for the token and another for its term. Unigrams only: an n-gram is several words, so for
 * `ngrams > 1` this throws and callers use `makeTokenizer`. Given a `reading`, it says whether the
 * text was read as plain text (which the known-abstract lookup would otherwise work out again).
 */
export function makeTokenIds(settings: TokenizerSettings, id: (token: string) => number,
  limit?: number): (text: string, reading?: TextReading) => number[] {
  if (settings.ngrams > 1) throw new Error("makeTokenIds reads unigrams only");
  const tokenOf = tokenRule(settings);
  const memo = wordMemo((word) => {
    const token = tokenOf(word);
    return token === null ? DROPPED : id(token);
  }, settings, limit);
  return (text: string, reading?: TextReading) => {
    const ids: number[] = [];
    const plain = memo.read(text, ids, DROPPED);
    if (reading) reading.plain = plain;
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


/** Stems mapped to the words shown for them (see surfaceForms); a term missing from it is shown as it is. */
export type SurfaceForms = Readonly<Record<string, string>>;

/** A word as it is shown: its apostrophes made plain, lower-cased when the tokenizer lower-cases. */
function shownWord(word: string, settings: TokenizerSettings): string {
  const w = word.replace(/’/g, "'");
  return settings.lowercase ? w.toLowerCase() : w;
}

/**
 * For each token of `texts` that is in `keep` (or part of an n-gram in it), the word it came from
 * most often, as shown (see shownWord); equally often, the word first in code-unit order. Only
 * tokens whose word differs from them are listed, in token order, in an object with no prototype
 * (a stem such as "constructor" is only ever its own key). Each text is read once with the
 * tokenizer's word memo, so this costs about one tokenizing pass.
 */
export function surfaceForms(settings: TokenizerSettings, texts: Iterable<string>, keep: readonly string[]): SurfaceForms {
  const tokenOf = tokenRule(settings);
  interface Seen { word: string; token: string; count: number }
  const made: Seen[] = [];
  const memo = wordMemo<Seen | null>((word) => {
    const token = tokenOf(word);
    if (token === null) return null;
    const seen = { word: shownWord(word, settings), token, count: 0 };
    made.push(seen);
    return seen;
  }, settings);
  const out: (Seen | null)[] = [];
  for (const text of texts) {
    out.length = 0;
    memo.read(text, out, null);
    for (const seen of out) seen!.count++;
  }
  // a memo that started afresh, or words that differ only in case or apostrophe, give a word more than one entry
  const counts = new Map<string, Seen>();
  for (const s of made) {
    const c = counts.get(s.word);
    if (c) c.count += s.count;
    else counts.set(s.word, { ...s });
  }
  const wanted = new Set(settings.ngrams > 1 ? keep.flatMap((t) => t.split(" ")) : keep);
  const best = new Map<string, Seen>();
  for (const s of counts.values()) {
    if (!wanted.has(s.token)) continue;
    const b = best.get(s.token);
    if (!b || s.count > b.count || (s.count === b.count && s.word < b.word)) best.set(s.token, s);
  }
  const forms: Record<string, string> = Object.create(null);
  for (const token of [...best.keys()].sort()) {
    const word = best.get(token)!.word;
    if (word !== token) forms[token] = word;
  }
  return forms;
}

/**
 * What the tokenizer makes of `word` when it is one whole word of its own (as surfaceForms lists
 * them): its token, or null when it is dropped or is not exactly one word. For checking a model
 * file's surface forms.
 */
export function wordToken(settings: TokenizerSettings): (word: string) => string | null {
  const tokenOf = tokenRule(settings);
  return (word) => {
    const found = wordsOf(word);
    return found.length === 1 && shownWord(found[0]!, settings) === word ? tokenOf(word) : null;
  };
}

/** Shows a term as words: a stem as its surface form, an n-gram part by part; a term with no form as it is. */
export function termShower(forms: SurfaceForms | undefined): (term: string) => string {
  if (forms === undefined) return (term) => term;
  const one = (t: string) => (Object.hasOwn(forms, t) ? forms[t]! : t);
  return (term) => (Object.hasOwn(forms, term) ? forms[term]! : term.includes(" ") ? term.split(" ").map(one).join(" ") : term);
}
