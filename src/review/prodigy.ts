/**
 * The review queue for Prodigy, and its export back: pure functions between queue items and
 * Prodigy's JSONL (prodi.gy/docs/api-interfaces#choice, the annotation task format that `db-out`
 * writes back).
 *
 * Out: one task per line for the `choice` interface: `text` the abstract, `options` one
 * `{ id, text }` per category (the id is the category's name, so an export reads without a key),
 * `accept` the model's pick pre-selected, and `meta` (shown under the card) safetag's id, the
 * pick's probability, the model id and where the abstract came from. Run it with
 * `prodigy mark DATASET tasks.jsonl --view-id choice` and `"choice_style": "single"`.
 *
 * Back: `prodigy db-out DATASET`: the same tasks, one per line and annotator, with `answer`
 * (`accept`, `reject` or `ignore`), `accept` the chosen option ids, `_annotator_id` (or
 * `_session_id`) the annotator and `_timestamp` the time in seconds. An ignored task counts for
 * nothing, and is listed; so is a rejected one (no option fits), unless another annotator chose a
 * category for it: that is a disagreement. Lines of the same abstract (several annotators) are
 * one task; see toolAnswers.ts for how they become one answer, or a disagreement.
 */
import type { InputProblem } from "../domain.js";
import { normalizeSpace } from "../ingest/result.js";
import { abstractKey } from "../text/normalize.js";
import { isObject, parseJson } from "./jsonText.js";
import type { ToolQueueOptions } from "./labelStudio.js";
import type { ReviewItem } from "./queue.js";
import { isoSeconds, reconcile, shownProbability, sourceOf, type SkippedAnnotation, type ToolExport, type ToolTask } from "./toolAnswers.js";

/** The tasks JSONL for `items`, and how many of them have nothing pre-selected (their pick is no longer a category). */
export function prodigyTasks(items: readonly ReviewItem[], opts: ToolQueueOptions): { jsonl: string; withoutPrediction: number } {
  let withoutPrediction = 0;
  const options = opts.choices.map((c) => ({ id: c, text: c }));
  const lines = items.map((q) => {
    const choice = opts.pick(q.predicted);
    if (choice === undefined) withoutPrediction++;
    const task = {
      text: q.abstract,
      options,
      accept: choice === undefined ? [] : [choice],
      meta: {
        id: q.id,
        confidence: shownProbability(q.confidence),
        model: opts.modelVersion,
        file: q.file,
        ...(q.line === undefined ? {} : { line: q.line }),
        ...(q.needsReview ? { needs_review: q.reason || "yes" } : {}),
      },
    };
    return oneLine(JSON.stringify(task));
  });
  return { jsonl: lines.map((l) => `${l}\n`).join(""), withoutPrediction };
}

/** JSON on one line for every reader: U+2028 and U+2029 are line ends to some (Python's splitlines), so they are escaped. */
const oneLine = (json: string) => json.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

const EXPORT_HINT = "give `safetag accept` what `prodigy db-out DATASET > export.jsonl` writes: one JSON task per line";

/** Reads a Prodigy JSONL export (see the module comment): its answers and everything that is not one, listed. */
export function parseProdigyExport(text: string, file: string): ToolExport {
  const problems: InputProblem[] = [];
  const skipped: SkippedAnnotation[] = [];
  const tasks = new Map<string, ToolTask>();
  const rejected = new Map<string, { place: string; annotator: string; line: number }[]>();
  text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/).forEach((raw, k) => {
    const line = k + 1;
    if (raw.trim() === "") return;
    const problem = (column: string | undefined, message: string, hint = EXPORT_HINT, value?: string) =>
      problems.push({ code: "E_REVIEW_EXPORT", file, line, ...(column ? { column } : {}), message, hint, ...(value === undefined ? {} : { value }) });
    const parsed = parseJson(raw, file, EXPORT_HINT, line);
    if (!parsed.ok) return problems.push(parsed.problem);
    const eg = parsed.value;
    if (!isObject(eg)) return problem(undefined, "the line is not a JSON object");
    const meta = isObject(eg.meta) ? eg.meta : {};
    const id = typeof meta.id === "string" ? meta.id : "";
    const abstract = typeof eg.text === "string" ? normalizeSpace(eg.text) : "";
    if (!("answer" in eg)) {
      return problem("answer", "the task has no `answer`: this is a task file (what `safetag review` writes), not an export",
        "annotate the tasks in Prodigy, then give `safetag accept` what `prodigy db-out DATASET` writes");
    }
    const annotator = typeof eg._annotator_id === "string" ? eg._annotator_id : typeof eg._session_id === "string" ? eg._session_id : "";
    const place = `line ${line}${id ? ` (id ${id})` : ""}`;
    const key = id || abstractKey(abstract);
    if (eg.answer === "ignore") {
      skipped.push({ place, annotator, why: "ignored in Prodigy" });
      return;
    }
    if (eg.answer === "reject") {
      rejected.set(key, [...(rejected.get(key) ?? []), { place, annotator, line }]);
      return;
    }
    if (eg.answer !== "accept") return problem("answer", '`answer` is none of "accept", "reject", "ignore"', EXPORT_HINT, JSON.stringify(eg.answer));
    if (abstract === "") return problem("text", "an accepted task has no text", "keep the `text` the review queue wrote; it is what the label is for");
    if (!Array.isArray(eg.accept)) return problem("accept",
      "an accepted task has no `accept` list (was it annotated with the choice interface?)",
        "annotate with `--view-id choice`, as docs/annotation-tools.md shows");
    let time: string | undefined;
    if (eg._timestamp !== undefined) {
      time = typeof eg._timestamp === "number" ? isoSeconds(eg._timestamp * 1000) : undefined;
      if (time === undefined) return problem("_timestamp", "`_timestamp` is not a time in seconds", EXPORT_HINT, JSON.stringify(eg._timestamp));
    }
    const options = Array.isArray(eg.options) ? eg.options.filter(isObject) : [];
    // the option ids safetag writes are the category names; another task file's may be numbers, named by their text
    const choices = eg.accept.map((chosen) => {
      const option = options.find((o) => o.id === chosen);
      return normalizeSpace(typeof chosen !== "string" && option && typeof option.text === "string" ? option.text : String(chosen));
    });
    const task = tasks.get(key) ?? { line, place, id, abstract, source: sourceOf(meta.file, meta.line), annotations: [] };
    tasks.set(key, task);
    task.annotations.push({ annotator, choices, line, column: "accept", ...(task.line === line ? {} : { where: `line ${line}` }), ...(time ? { time } : {}) });
  });
  // a reject beside an accepted choice is a disagreement (one says no option fits); alone, a skip
  for (const [key, rejects] of rejected) {
    const task = tasks.get(key);
    if (!task) {
      skipped.push(...rejects.map((r) => ({ place: r.place, annotator: r.annotator, why: "rejected in Prodigy (no option fits, or the task is wrong)" })));
      continue;
    }
    tasks.delete(key);
    const named = (a: { annotator: string }) => a.annotator || "an annotator with no name";
    problems.push({
      code: "E_REVIEW_CONFLICT", file, line: task.line, column: "answer", value: "accept / reject",
      message: `${task.place}: the annotators disagree: ${[
        ...task.annotations.map((a) => `${named(a)} (line ${a.line}) chose "${a.choices.join(", ")}"`),
        ...rejects.map((r) => `${named(r)} (line ${r.line}) rejected it`),
      ].join(", ")}`,
      hint: "settle it in Prodigy (the review recipe, or remove one answer) and export again",
    });
  }
  const { answers, unanswered } = reconcile([...tasks.values()], file, problems);
  return { answers, unanswered, skipped, problems };
}
