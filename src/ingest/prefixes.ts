/**
 * Finding where a label ends when a paste ran it into the next cell: `AnthropicSleeper Agents`,
 * `Honest AIAs large language models`, `Google DeepMind` on a line of its own. One method serves
 * companies and categories alike: a label recurs across rows, the text after it does not.
 */

/** A cell run: the label at its start, then whatever followed it in the paste. */
export interface CellRun {
  text: string;
  /** The first line of `text` was a whole line in the file (so its end is a real cell edge). */
  firstLineWhole: boolean;
}

/** Company and category names are short; looking further into an abstract only costs time. */
export const MAX_LABEL_LENGTH = 100;

const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const LETTER = /\p{L}/u;
const DIGIT = /\d/;

/**
 * Candidate label ends in the first line of `text`, ascending: case changes (`feedbackScalable`,
 * `AIAs`), a letter running into a digit, quote, backslash or bracket (`interpretability"Induction`,
 * `interpretability\emph`), a digit or closing bracket running into a capital, and the line's end.
 */
export function labelEnds(text: string): number[] {
  const line = firstLine(text);
  const ends: number[] = [];
  for (let i = 1; i < Math.min(line.length, MAX_LABEL_LENGTH + 1); i++) {
    if (isLabelEnd(line[i - 1]!, line[i]!, line[i + 1])) ends.push(i);
  }
  if (line.trim() !== "" && line.length <= MAX_LABEL_LENGTH) ends.push(line.length);
  return ends;
}

function isLabelEnd(before: string, at: string, after: string | undefined): boolean {
  if (LOWER.test(before) && UPPER.test(at)) return true;
  if (UPPER.test(before) && UPPER.test(at) && after !== undefined && LOWER.test(after)) return true;
  if (!LETTER.test(before)) return /[\d.)\]]/.test(before) && UPPER.test(at);
  if (DIGIT.test(at) || /["“\\([]/.test(at)) return true;
  // A quote that opens a capitalised word (`'Constitutional AI'`), not an apostrophe (`model's`).
  return /['‘]/.test(at) && after !== undefined && UPPER.test(after);
}

function firstLine(text: string): string {
  const nl = text.indexOf("\n");
  return nl < 0 ? text : text.slice(0, nl);
}

/**
 * The label at the start of each text. Every row proposes its candidate prefixes; a proposal is an
 * option for any row that starts with it and continues with a capital, digit or quote there (so
 * `OpenAI`, proposed by `OpenAIThe Instruction...`, also fits `OpenAIA hazard...`, where `AIA`
 * hides the edge, but `Safety` would not fit `Safety evaluations`). The label is the option shared
 * by the most distinct rows, then one seen as a whole line (`Google DeepMind` alone on a line beats
 * `Google Deep`), then the longest (`OpenAI` beats `Open`). When no option recurs, the row's first
 * candidate is taken: what follows a label is usually an abstract's or title's first word.
 */
export function recurringPrefixes(texts: readonly CellRun[]): string[] {
  const own = texts.map((t) => candidatePrefixes(t.text));
  const proposed = new Set(own.flat());
  const options = texts.map((t, i) => [...new Set([...own[i]!, ...proposedPrefixes(t.text, proposed)])]);
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  options.forEach((list, i) => {
    // Identical lines (a paper and its [Duplicate] row) are one piece of evidence, not two: counted
    // twice, the whole line would tie with the real label and win as the longer.
    const line = firstLine(texts[i]!.text);
    if (seen.has(line)) return;
    seen.add(line);
    for (const p of list) counts.set(p, (counts.get(p) ?? 0) + 1);
  });
  const whole = new Set(texts.filter((t) => t.firstLineWhole).map((t) => firstLine(t.text).trim()));
  return options.map((list, i) => chooseLabel(list, own[i]!, counts, whole));
}

function candidatePrefixes(text: string): string[] {
  const prefixes = labelEnds(text).map((end) => text.slice(0, end).trim()).filter((p) => p !== "");
  return [...new Set(prefixes)];
}

/** Prefixes of `text` that other rows proposed, ending where a new word could start without a space. */
function proposedPrefixes(text: string, proposed: ReadonlySet<string>): string[] {
  const line = firstLine(text);
  const found: string[] = [];
  for (let i = 1; i < Math.min(line.length, MAX_LABEL_LENGTH + 1); i++) {
    const edge = !/\s/.test(line[i - 1]!) && /[\p{Lu}\d"“'‘\\([]/u.test(line[i]!);
    if (edge && proposed.has(line.slice(0, i))) found.push(line.slice(0, i));
  }
  return found;
}

function chooseLabel(
  options: readonly string[],
  own: readonly string[],
  counts: ReadonlyMap<string, number>,
  whole: ReadonlySet<string>,
): string {
  if (options.length === 0) return "";
  const score = (p: string): [number, number, number] => [counts.get(p) ?? 0, whole.has(p) ? 1 : 0, p.length];
  let best = options[0]!;
  for (const p of options) if (compareScores(score(p), score(best)) > 0) best = p;
  return (counts.get(best) ?? 0) > 1 ? best : own[0] ?? best;
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The known label a text starts with, if any: its canonical name and the length of text it covers (see `knownLabels`). */
export type LabelMatcher = (text: string) => { name: string; length: number } | undefined;

/**
 * Finds the longest of `names` that starts a text, ignoring case and spacing, so that `mechanistic
 * Interpretability` finds `Mechanistic interpretability`. A match must not stop inside a word
 * (`Robust` does not match `Robustness`). Each name's pattern is compiled here, once: make one
 * matcher for many texts (the URL splitter tries every name at every position of every URL).
 */
export function knownLabels(names: readonly string[]): LabelMatcher {
  const patterns = names.map((name) => ({ name, pattern: namePattern(name) }));
  return (text) => {
    let best: ReturnType<LabelMatcher>;
    for (const { name, pattern } of patterns) {
      const length = matchLength(text, pattern);
      if (length !== undefined && (best === undefined || name.length > best.name.length)) best = { name, length };
    }
    return best;
  };
}

/** Characters of `text` that `pattern` (a name's, see namePattern: case-insensitive, any run of whitespace for a space) spells, if it does. */
function matchLength(text: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(text);
  if (!m) return undefined;
  const end = m[0].length;
  const last = text[end - 1]!;
  const next = text[end];
  const midWord = next !== undefined && LOWER.test(next) && LOWER.test(last);
  return midWord ? undefined : end;
}

function namePattern(name: string): RegExp {
  const words = name.trim().split(/\s+/).map(escapeRegExp);
  return new RegExp(`^${words.join("\\s+")}`, "iu");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
