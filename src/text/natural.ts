/**
 * The two pieces of `natural` we use, loaded from their own modules: natural's main entry
 * loads dotenv (which reads ./.env and prints to stdout), and our stdout is often piped.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

const porter = require("natural/lib/natural/stemmers/porter_stemmer.js") as { stem(token: string): string };
const stopwords = require("natural/lib/natural/util/stopwords.js") as { words: string[] };

/** A private copy: natural lets callers mutate its list, we never want to see that. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(stopwords.words.map((w) => w.toLowerCase()));

export function porterStem(token: string): string {
  return porter.stem(token);
}
