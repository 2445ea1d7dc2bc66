import type { Command } from "commander";
import { SafetagError, formatProblem } from "../../errors.js";
import { labeledToCsv } from "../../ingest/labeled.js";
import { readLabeledAndReviewed } from "../../ingest/trainingData.js";
import { reviewedPathFor } from "../../ingest/reviewed.js";
import { writeOutput } from "../../io/output.js";
import { acceptReviews, parseReviewSheet, placeOf, type AcceptResult } from "../../review/accept.js";
import { parseLabelStudioExport } from "../../review/labelStudio.js";
import { parseProdigyExport } from "../../review/prodigy.js";
import type { ToolExport } from "../../review/toolAnswers.js";
import { say, type CliContext } from "../context.js";
import { optionalTaxonomy, readInputText, taxonomyInput } from "../data.js";
import { checkOutputs } from "../paths.js";

interface AcceptCliOptions {
  data: string;
  force: boolean;
  reviewer?: string;
  taxonomy?: string;
}

/** Local date as YYYY-MM-DD: the day a person accepted the labels. */
function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

type AnswersFormat = "csv" | "label-studio" | "prodigy";

/**
 * What the file is: by its content (a JSON array is a Label Studio export, JSON lines Prodigy's),
 * else a CSV sheet; a `.json` or `.jsonl` file that is not JSON is refused, not read as a sheet.
 */
function answersFormat(path: string, text: string): AnswersFormat {
  const start = text.replace(/^\uFEFF/, "").trimStart()[0];
  if (start === "[") return "label-studio";
  if (start === "{") return "prodigy";
  if (/\.(json|jsonl|ndjson)$/i.test(path)) {
    throw new SafetagError("E_REVIEW_EXPORT",
      `${path}: neither a Label Studio JSON export (a JSON array) nor a Prodigy export (JSON lines)${start === undefined ? ": it is empty" : ""}`, {
      hint: "export the Label Studio project as JSON, or run `prodigy db-out DATASET > export.jsonl`",
    });
  }
  return "csv";
}

/** The answers of any of the three, with what was not an answer. */
function readAnswers(path: string, text: string): { format: AnswersFormat; unanswered: number; tool?: ToolExport } & Pick<ToolExport, "answers" | "problems"> {
  const format = answersFormat(path, text);
  if (format === "csv") return { format, ...parseReviewSheet(text, path) };
  const tool = format === "label-studio" ? parseLabelStudioExport(text, path) : parseProdigyExport(text, path);
  return { format, answers: tool.answers, problems: tool.problems, unanswered: tool.unanswered.length, tool };
}

function report(ctx: CliContext, r: AcceptResult, reviewedPath: string, unanswered: number, force: boolean, tool?: ToolExport): void {
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  say(ctx, `accepted ${n(r.added.length, "label")} into ${reviewedPath}; ${r.skipped.length} skipped (already labeled the ` +
    `same); ${n(r.conflicts.length, "conflict")}${r.conflicts.length && force ? " (the reviewer's label wins: --force)" : ""};` +
      ` ${n(unanswered, tool ? "task" : "row")} left ` +
        `unlabeled${tool
          ? `; ${n(tool.skipped.length, "annotation")} skipped by ${tool.skipped.length === 1 ? "its annotator" : "their annotators"}, not counted`
          : ""}`);
  for (const a of r.added) say(ctx, `  added ${a.id}  "${a.category}"${a.reviewer ? ` by ${a.reviewer}` : ""}${a.source ? ` (${a.source})` : ""}`);
  for (const s of r.skipped) say(ctx, `  skipped ${placeOf(s.answer)}: ${s.reason}`);
  for (const c of r.conflicts) say(ctx, `  conflict ${placeOf(c.answer)}: "${c.category}" replaces "${c.existing.category}" of row ${c.existing.id}`);
  for (const w of r.warnings) say(ctx, `  warning ${formatProblem(w)}`);
  for (const u of tool?.unanswered ?? []) say(ctx, `  unlabeled ${u.place}${u.id ? `, safetag id ${u.id}` : ""}: no annotation to read`);
  for (const s of tool?.skipped ?? []) say(ctx, `  not counted ${s.place}${s.annotator ? `, by ${s.annotator}` : ""}: ${s.why}`);
  for (const x of r.resolved) say(ctx, `  labeled row ${x.id} trains again, as "${x.row.category}" (it was set aside: ${x.was})`);
}

export function registerAccept(program: Command, ctx: CliContext): void {
  program
    .command("accept")
    .description(
      "add the labels filled in on a review sheet (from `safetag review`), or given in Label Studio or Prodigy, to the reviewed " +
        "labels beside the labeled data, with provenance")
    .argument("<reviewed.csv>",
      "the review sheet, with `reviewer_category` (and `reviewer`) filled in; or a Label Studio JSON export, or a Prodigy export " +
        "(JSONL, from `prodigy db-out`)")
    .option("-d, --data <file>", "the labeled data; the labels go to reviewed.csv in its folder", "data/labeled.csv")
    .option("--force", "let a reviewer's label replace a different existing label", false)
    .option("--reviewer <name>", "reviewer for rows whose `reviewer` cell (or annotator) is empty")
    .option("--taxonomy <file>", "taxonomy file (default data/taxonomy.json when present)")
    .action((sheetPath: string, opts: AcceptCliOptions) => {
      const reviewedPath = reviewedPathFor(opts.data);
      // reviewed.csv is read and rewritten; no other input may be it
      checkOutputs([{ path: reviewedPath, what: "the reviewed labels beside --data" }],
        [{ path: sheetPath, what: "the review sheet" }, { path: opts.data, what: "--data" }, taxonomyInput(opts.taxonomy)]);
      const sheet = readAnswers(sheetPath, readInputText(sheetPath));
      if (sheet.format !== "csv") say(ctx,
        `${sheetPath}: read as a ${sheet.format === "label-studio" ? "Label Studio JSON export" : "Prodigy export (JSONL)"}`);
      const taxonomy = optionalTaxonomy(opts.taxonomy, ctx);
      const { labeled, reviewed = [] } = readLabeledAndReviewed(opts.data, taxonomy);
      const result = acceptReviews(sheet.answers, { labeled, reviewed, taxonomy, force: opts.force, today: today(), reviewer: opts.reviewer, file: sheetPath });
      const problems = [...sheet.problems, ...result.problems];
      if (problems.length > 0) {
        throw new SafetagError(problems[0]!.code,
          `${sheetPath}: ${problems.length} ${sheet.tool ? "answer" : "row"}${problems.length === 1 ? "" : "s"} cannot be accepted; nothing was written`, {
          problems,
          hint: problems[0]!.hint,
        });
      }
      if (result.added.length > 0) writeOutput(reviewedPath, labeledToCsv(result.reviewed), ctx);
      report(ctx, result, reviewedPath, sheet.unanswered, opts.force, sheet.tool);
      if (result.added.length > 0) say(ctx, "retrain (`safetag train` or `npm start`) to use them");
    });
}
