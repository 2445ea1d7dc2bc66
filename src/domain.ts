/**
 * The domain vocabulary shared by every stage. Categories are plain strings at every
 * boundary; integer codes exist only inside a fitted model.
 */
export type Category = string;

/** One labeled spreadsheet row, as ingest produces it and training consumes it. */
export interface LabeledAbstract {
  /** `r` + the spreadsheet row number for the paste and for sheet exports without an id column. */
  id: string;
  company: string;
  title: string;
  /** ISO 8601 (YYYY-MM-DD) when the source date could be read, otherwise the source text. */
  date: string;
  url: string;
  category: Category;
  abstract: string;
  /** `[Duplicate]` in front of the category: the paper is already listed under another title. */
  duplicate: boolean;
  /** The abstract cell was empty or said "Abstract not found". */
  abstractMissing: boolean;
  /** 1-based line (paste) or row (CSV) in the source file where this row starts. */
  sourceLine?: number;
  /** Provenance of a label given in a review round (`safetag accept`); absent for spreadsheet rows. */
  reviewer?: string;
  /** ISO 8601: the date a review sheet's label was accepted, or the time (UTC) an annotation tool says the label was given. */
  reviewedAt?: string;
  /** Where the reviewed abstract came from: dump file and 1-based line, `file:line`. */
  source?: string;
}

/** An abstract to be labeled. */
export interface UnlabeledAbstract {
  id: string;
  abstract: string;
  /** Where it came from, for the output (file name and 1-based line). */
  source?: string;
  line?: number;
}

export interface Prediction {
  id: string;
  category: Category;
  confidence: number;
  runnerUp: Category;
  runnerUpConfidence: number;
  /** `model` for a guess, `known` when the abstract matches a labeled row. */
  source: "model" | "known" | "none";
  /** Id of the labeled row an abstract was matched to (source = known). */
  matchedId?: string;
}

/**
 * One category of the taxonomy file, with its history. A category change is an edit of this
 * file, never of the labeled data: the history fields say how old labels map to today's
 * categories when training and evaluating (see taxonomy/changes.ts).
 */
export interface TaxonomyEntry {
  name: Category;
  description?: string;
  keyPhrases?: string[];
  /** Earlier names of this category; rows labeled with them count as this category. */
  renamedFrom?: Category[];
  /** This category was merged into another: its rows take that category's label. */
  mergedInto?: Category;
  /** No longer used: its rows are set aside (and counted), not trained on. */
  retired?: boolean;
  /** Split into these categories: its rows need a new label, and are left out until they get one. */
  splitInto?: Category[];
  /**
   * `"outside"`: this entry is the answer "not safety research", not a safety category. It is
   * learned and predicted like any category; summaries and fresh-abstract figures tell it apart.
   */
  scope?: "outside";
  /** Other spellings users put in the category cell ("No", "Out of scope"): rows with them count as this category. */
  aliases?: string[];
  /**
   * A labeled CSV of abstracts of this category that every model learns from as well, its path
   * relative to the taxonomy file (for the outside entry: the bundled background set of
   * non-safety abstracts); `false` turns it off.
   */
  background?: string | false;
}

export interface Taxonomy {
  categories: TaxonomyEntry[];
  /** The file it was read from, when it was read from one: a background path is relative to it. */
  source?: string;
}

/** A problem found in an input file: what, where, and what to do. */
export interface InputProblem {
  code: string;
  file: string;
  /** 1-based line or row as the user's editor or spreadsheet shows it. */
  line?: number;
  column?: string;
  value?: string;
  message: string;
  hint?: string;
}
