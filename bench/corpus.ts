/**
 * A synthetic corpus of any size for the benchmark, built from the real labeled abstracts: each
 * synthetic abstract takes the category and sentence count of a real row drawn at random, then
 * that many sentences drawn from that category's real abstracts. The vocabulary, sentence
 * lengths and category mix are therefore the real ones, and the same seed gives the same corpus.
 */
import type { Category, LabeledAbstract } from "../src/domain.js";
import { mulberry32, randomInt } from "../src/sampling/random.js";

export interface SyntheticAbstract {
  id: string;
  category: Category;
  abstract: string;
}

/** Sentence ends: . ! or ? followed by space and a capital, digit or opening bracket/quote. */
const SENTENCE_END = /(?<=[.!?])\s+(?=[\p{Lu}\p{N}("“])/u;

export function sentences(text: string): string[] {
  return text
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Yields `size` abstracts lazily, so a million-row corpus is written without being held. */
export function* syntheticCorpus(rows: readonly LabeledAbstract[], size: number, seed: number): Generator<SyntheticAbstract> {
  const templates = rows.map((r) => ({ category: r.category, length: Math.max(1, sentences(r.abstract).length) }));
  if (templates.length === 0) throw new Error("the synthetic corpus needs at least one labeled row");
  const pools = new Map<Category, string[]>();
  for (const r of rows) {
    const pool = pools.get(r.category) ?? [];
    pool.push(...sentences(r.abstract));
    pools.set(r.category, pool);
  }
  const random = mulberry32(seed);
  for (let i = 0; i < size; i++) {
    const t = templates[randomInt(random, templates.length)]!;
    const pool = pools.get(t.category)!;
    const picked: string[] = [];
    for (let s = 0; s < t.length; s++) picked.push(pool[randomInt(random, pool.length)]!);
    yield { id: `s${i + 1}`, category: t.category, abstract: picked.join(" ") };
  }
}

/** "1k" -> 1000, "100k" -> 100000, "1M" -> 1000000, "2500" -> 2500; undefined when unreadable. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] === "" ? 1 : m[2]!.toLowerCase() === "k" ? 1e3 : 1e6);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function formatSize(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}
