/**
 * Recognising an abstract that is already labeled. The model keeps each labeled abstract's
 * normalised text as a hash (`textHash(abstractKey(text))`), so a known paper gets its known
 * label. Hashing every predicted abstract was a tenth of labeling time, and almost none are
 * known, so the model also keeps a fingerprint of each labeled abstract's term ids; an abstract
 * whose fingerprint is not among them is not known, and is not hashed.
 *
 * Why that cannot miss a known abstract: on ASCII text, the normalised text (lower-cased, spaces
 * folded) has the same words as the text itself, and a lower-casing tokenizer makes the same
 * tokens of both; so an ASCII abstract whose normalised text is a labeled one's has the same term
 * ids as that labeled abstract's normalised text, and the same fingerprint. Any other abstract
 * (not ASCII, or a model whose tokenizer keeps case or reads n-grams) is always hashed.
 */
import type { TokenizerSettings } from "../text/tokenize.js";

const NON_ASCII = /[^\x00-\x7f]/;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the term ids, four bytes each, and their number. */
export function fingerprint(ids: readonly number[]): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    h = Math.imul(h ^ (id & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((id >>> 8) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((id >>> 16) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ (id >>> 24), FNV_PRIME);
  }
  return Math.imul(h ^ ids.length, FNV_PRIME);
}

/** Whether term-id fingerprints can stand in for the text hash (see above): lower-casing unigram tokenizers only. */
export function fingerprintsApply(settings: TokenizerSettings): boolean {
  return settings.lowercase && settings.ngrams === 1;
}

/** The sorted distinct fingerprints of the labeled abstracts' normalised texts, read as term ids by `ids`. */
export function knownFingerprints(normalisedTexts: Iterable<string>, ids: (text: string) => number[]): number[] {
  const all = new Set<number>();
  for (const text of normalisedTexts) all.add(fingerprint(ids(text)));
  return [...all].sort((a, b) => a - b);
}

/**
 * Whether an abstract whose term ids are `ids` may be known, by the model's fingerprints: false
 * only when it certainly is not (an ASCII text whose fingerprint is not among them).
 */
export function mayBeKnown(fingerprints: ReadonlySet<number> | undefined, text: string, ids: readonly number[] | undefined): boolean {
  if (!fingerprints || !ids || NON_ASCII.test(text)) return true;
  return fingerprints.has(fingerprint(ids));
}
