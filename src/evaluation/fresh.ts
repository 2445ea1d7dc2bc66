/**
 * Figures on fresh abstracts: real papers, labeled by us before any model saw them, that are in
 * no training file (data/eval/README.md). Cross-validation on the sheet flatters a model whose
 * taxonomy descriptions were written with those rows in view; these figures are what a user
 * gets on a new paper, so they are the headline.
 *
 * Conventions, as in metrics.ts: the confusion matrix has rows = true, columns = predicted, over
 * the union of gold and predicted categories; macro averages are over the gold categories (an
 * answer no fresh row has is shown, and charged as wrong, but not averaged). "Automatic" means
 * not sent to review. The outside category ("not safety research") is a category like any
 * other in the table; the last four figures tell it apart.
 */
import type { Category } from "../domain.js";
import { confusionMatrix, reportFromConfusion, type ClassificationReport, type ConfusionMatrix } from "../metrics/metrics.js";

export interface FreshOutcome {
  id: string;
  gold: Category;
  /** "" when the abstract could not be scored. */
  predicted: Category;
  confidence: number;
  needsReview: boolean;
}

export interface Share {
  count: number;
  of: number;
  /** count / of, 0 when of is 0. */
  share: number;
}

export interface FreshSection {
  path: string;
  rows: number;
  /** Accuracy and macro-F1 over every fresh row, with per-category figures and the confusion matrix. */
  report: ClassificationReport;
  confusion: ConfusionMatrix;
  /** The safety papers alone (gold is not the outside category): a prediction of "not safety research" is wrong. */
  safety: { rows: number; accuracy: number; macroF1: number };
  /** Predictions not sent to review: how many, and how many of them are right. */
  automatic: Share & { precision: number };
  /** Non-safety abstracts given a safety category without review: the false tags a user never sees. */
  outsideTaggedSafety: Share;
  /** Non-safety abstracts labeled "not safety research" without review. */
  outsideAnswered: Share;
  /** Safety papers answered "not safety research" (reviewed or not). */
  safetyCalledOutside: Share;
  outside?: Category;
  outcomes: FreshOutcome[];
}

function share(count: number, of: number): Share {
  return { count, of, share: of === 0 ? 0 : count / of };
}

/** The section as the report carries it: with how many fresh abstracts were also training rows. */
export type Fresh = FreshSection & { inTraining: number };

export function freshSection(path: string, outcomes: readonly FreshOutcome[], outside: Category | undefined): FreshSection {
  const gold = outcomes.map((o) => o.gold);
  const predicted = outcomes.map((o) => o.predicted || "(none)");
  const goldLabels = [...new Set(gold)].sort();
  const labels = [...new Set([...goldLabels, ...predicted])].sort();
  const confusion = confusionMatrix(gold, predicted, labels);
  const report = reportFromConfusion(confusion, goldLabels);

  const safetyRows = outcomes.filter((o) => o.gold !== outside);
  const safetyLabels = [...new Set(safetyRows.map((o) => o.gold))].sort();
  const safetyAll = [...new Set([...safetyLabels, ...safetyRows.map((o) => o.predicted || "(none)")])].sort();
  const safetyReport =
    reportFromConfusion(confusionMatrix(safetyRows.map((o) => o.gold), safetyRows.map((o) => o.predicted || "(none)"), safetyAll), safetyLabels);

  const auto = outcomes.filter((o) => !o.needsReview);
  const autoRight = auto.filter((o) => o.predicted === o.gold).length;
  const outsideRows = outcomes.filter((o) => outside !== undefined && o.gold === outside);
  return {
    path,
    rows: outcomes.length,
    report,
    confusion,
    safety: { rows: safetyRows.length, accuracy: safetyReport.accuracy, macroF1: safetyReport.macro.f1 },
    automatic: { ...share(auto.length, outcomes.length), precision: auto.length === 0 ? 0 : autoRight / auto.length },
    outsideTaggedSafety: share(outsideRows.filter((o) => !o.needsReview && o.predicted !== "" && o.predicted !== outside).length, outsideRows.length),
    outsideAnswered: share(outsideRows.filter((o) => !o.needsReview && o.predicted === outside).length, outsideRows.length),
    safetyCalledOutside: share(outside === undefined ? 0 : safetyRows.filter((o) => o.predicted === outside).length, safetyRows.length),
    ...(outside === undefined ? {} : { outside }),
    outcomes: [...outcomes],
  };
}
