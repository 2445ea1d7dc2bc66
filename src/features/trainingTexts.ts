import { FeatureSpace, type FeatureSettings } from "./featureSpace.js";
import type { SparseVector } from "./vocabulary.js";

/** A feature space fitted on a training set's texts, and their vectors in it (in the texts' order). */
export interface FittedSpace {
  readonly space: FeatureSpace;
  /** Shared by every classifier fitted on these texts: never changed. */
  readonly vectors: readonly SparseVector[];
}

/** The texts, as token lists, or as ids into one table of tokens (`table[id]` is the token). */
type Source = { readonly tokens: readonly (readonly string[])[] } | { readonly ids: readonly ArrayLike<number>[]; readonly table: readonly string[] };

/**
 * The texts of one training set, and the feature spaces fitted on them. scikit-learn's habit: the
 * vectorizer is fitted apart from the estimators, which fit on its vectors. The trainer makes one
 * of these per training set (each fold's, the final one) and hands it to every classifier it fits
 * there; each asks for the space of its settings, which is fitted on first request and then
 * shared, so a classifier, a two-stage model's gate and the scope model, fitted on the same texts
 * with the same settings, have one space and one set of vectors.
 *
 * Texts given as ids (see makeTokenIds) are fitted without a map lookup per token, and the space
 * can read held-out texts given as ids of the same table (`FeatureSpace.vectorizeInterned`).
 */
export class TrainingTexts {
  /** What is fitted so far, by settings. */
  private readonly fitted = new Map<string, FittedSpace>();

  private constructor(private readonly source: Source) {}

  static ofTokens(tokens: readonly (readonly string[])[]): TrainingTexts {
    return new TrainingTexts({ tokens });
  }

  static ofIds(ids: readonly ArrayLike<number>[], table: readonly string[]): TrainingTexts {
    return new TrainingTexts({ ids, table });
  }

  get size(): number {
    return "ids" in this.source ? this.source.ids.length : this.source.tokens.length;
  }

  /** These texts, then `more`'s (nothing fitted is carried over: the texts are others). */
  concat(more: TrainingTexts): TrainingTexts {
    const a = this.source;
    const b = more.source;
    if ("ids" in a && "ids" in b && a.table === b.table) return TrainingTexts.ofIds([...a.ids, ...b.ids], a.table);
    return TrainingTexts.ofTokens([...this.tokenLists(), ...more.tokenLists()]);
  }

  private tokenLists(): readonly (readonly string[])[] {
    const s = this.source;
    if ("tokens" in s) return s.tokens;
    return s.ids.map((ids) => Array.from(ids, (id) => s.table[id]!));
  }

  /** The space of `settings` fitted on these texts, and their vectors: fitted on the first request, the same objects after. */
  inSpace(settings: FeatureSettings): FittedSpace {
    const key = `${settings.sublinearTf} ${settings.idf} ${settings.l2}`;
    let fitted = this.fitted.get(key);
    if (!fitted) {
      const s = this.source;
      fitted = "ids" in s ? FeatureSpace.fitTransformIds(s.ids, s.table, settings) : FeatureSpace.fitTransform(s.tokens, settings);
      this.fitted.set(key, fitted);
    }
    return fitted;
  }

  /** These texts' vectors in `space` when it is one fitted on them (`inSpace`); undefined for any other space. */
  vectorsIn(space: FeatureSpace): readonly SparseVector[] | undefined {
    for (const f of this.fitted.values()) if (f.space === space) return f.vectors;
    return undefined;
  }
}
