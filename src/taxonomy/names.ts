/**
 * Category names: how two spellings are told to be the same category, and which name a label
 * most likely means.
 */
import type { Category, Taxonomy, TaxonomyEntry } from "../domain.js";
import { lookalikeForm } from "../text/lookalike.js";

/** Collapses inner whitespace; the spelling and case are the user's. */
export function normalizeLabel(label: string): string {
  return label.replace(/\s+/g, " ").trim();
}

/**
 * The key under which two category names are the same: case, spaces, `-` and `_` ignored, and
 * so is what no one can see (invisible characters, compatibility forms, a Cyrillic or Greek
 * letter for the Latin one it looks like; see text/lookalike.ts).
 */
export function categoryKey(label: string): string {
  return lookalikeForm(label).toLowerCase().replace(/[\s_-]+/g, "");
}

/**
 * The name in `names` that `label` most likely means, for "did you mean" hints: an exact match
 * ignoring case and spacing first, then the nearest by edit distance if it is near enough
 * (at most a third of the label's length, and at least 2 edits allowed).
 */
export function closestCategory(label: string, names: readonly string[]): string | undefined {
  const key = categoryKey(label);
  const exact = names.find((n) => categoryKey(n) === key);
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = editDistance(key, categoryKey(name));
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance, two rows at a time. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, substitution));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The names other than its own that label rows of this category: old names, then other spellings. */
export function otherNames(entry: TaxonomyEntry): string[] {
  return [...(entry.renamedFrom ?? []), ...(entry.aliases ?? [])];
}

/**
 * The taxonomy's spelling of `label` (`mechanistic Interpretability` -> `Mechanistic
 * interpretability`). Only a case, spacing, `-` or `_` variant counts as the same category; a near
 * miss is not guessed (it is reported, with a hint).
 */
export function canonicalCategory(label: string, taxonomy: Taxonomy): string | undefined {
  const key = categoryKey(label);
  return taxonomy.categories.find((c) => categoryKey(c.name) === key)?.name;
}

/** Names that win a tie between spellings: a taxonomy's categories and their old names. */
export function taxonomySpellings(categories: readonly { name: Category; renamedFrom?: Category[] }[]): string[] {
  return categories.flatMap((c) => [c.name, ...(c.renamedFrom ?? [])]);
}
