/** Number and text formatting the Markdown and terminal renderings of the report share. */
import type { Interval } from "../evaluation/bootstrap.js";

export function num(x: number): string {
  return x.toFixed(3);
}

export function meanSd(mean: number, sd: number): string {
  return `${num(mean)} ± ${num(sd)}`;
}

export function range(iv: Interval): string {
  return `${num(iv.lower)}–${num(iv.upper)}`;
}

export function bracket(iv: Interval): string {
  return `[${iv.lower.toFixed(2)}, ${iv.upper.toFixed(2)}]`;
}

/**
 * What a category's F1 interval cell shows when the category has too few papers to estimate one
 * (`tooFewPapers`, see MIN_PAPERS_FOR_INTERVAL in evaluation/report.ts). Every rendering uses it.
 */
export function tooFewPapers(papers: number): string {
  return papers === 0 ? "no papers" : "too few papers";
}

export function percent(level: number): string {
  return `${Number((level * 100).toFixed(1))}%`;
}

/** Control characters (including ESC, which starts terminal escape codes) shown as `?`. */
export function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

export function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** Keep the end, which is the informative part of a path. */
export function clipStart(text: string, width: number): string {
  return text.length > width ? `…${text.slice(text.length - width + 1)}` : text;
}
