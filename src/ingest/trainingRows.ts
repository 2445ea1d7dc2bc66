/**
 * The rows a model learns from, the one way train, eval, run, accept and compare see them: the
 * labeled rows, relabeled by reviews, usable ones only, with the taxonomy's category changes
 * applied.
 */
import type { LabeledAbstract, Taxonomy } from "../domain.js";
import { usableForTraining } from "./labeled.js";
import { mergeReviewed, type ReviewMerge } from "./reviewed.js";
import { activeTaxonomy } from "../taxonomy/active.js";
import { applyTaxonomy, type TaxonomyApplication } from "../taxonomy/changes.js";

export interface TrainingRows {
  rows: LabeledAbstract[];
  /** Usable rows before the taxonomy was applied (reviews merged). */
  usable: number;
  /** Present when there were reviewed rows. */
  merge?: ReviewMerge;
  /** Present when there is a taxonomy. */
  changes?: TaxonomyApplication;
  /** The categories a model should know, with their descriptions: the taxonomy's active ones. */
  taxonomy?: Taxonomy;
}

export function trainingRows(labeled: readonly LabeledAbstract[], reviewed: readonly LabeledAbstract[] | undefined,
  taxonomy: Taxonomy | undefined): TrainingRows {
  const merge = reviewed && reviewed.length > 0 ? mergeReviewed(labeled, reviewed) : undefined;
  const usable = usableForTraining(merge ? merge.rows : labeled);
  if (!taxonomy) return { rows: usable, usable: usable.length, merge };
  const changes = applyTaxonomy(usable, taxonomy);
  return { rows: changes.rows, usable: usable.length, merge, changes, taxonomy: activeTaxonomy(taxonomy) };
}
