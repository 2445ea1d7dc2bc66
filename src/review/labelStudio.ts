/**
 * The review queue for Label Studio, and its export back: pure functions between queue items and
 * Label Studio's own JSON (labelstud.io/guide/task_format, /guide/predictions, /tags/choices).
 *
 * Out: a JSON array of tasks, each `{ data, predictions }`. `data.text` is the abstract (what the
 * labeling config shows), `data.id` safetag's id, and the queue's other columns (file, line,
 * the model's pick and margin, needs_review, reason) ride along as data fields, which Label
 * Studio shows as columns to sort by. The one prediction is the model's pick as a pre-annotation:
 * `{ model_version, score, result: [{ from_name, to_name, type: "choices", value: { choices } }] }`,
 * `model_version` being the id `safetag models` lists and `score` the pick's probability. With it
 * goes the labeling config: a `<Text>` showing `$text` and a single-choice `<Choices>` with one
 * `<Choice>` per category.
 *
 * Back: Label Studio's JSON export (Export, "JSON"): the tasks again, each with `annotations[]`
 * whose `result[].value.choices` hold the annotator's pick, `completed_by` the annotator (a user
 * id, or in older versions an object with an email), `created_at`/`updated_at` the time, and
 * `was_cancelled` set on a skipped one. See toolAnswers.ts for how annotations become answers.
 *
 * Or its JSON-MIN export (Export, "JSON-MIN"): one flat object per annotation, the task's data
 * fields at the top (`text`, `file`, `line`, ...; `id` is Label Studio's task id, not ours), the
 * choice under the control's name (`category`: a name, or a list when several were chosen), and
 * `annotator`, `created_at`, `updated_at`. The records of one task id are read as one task.
 */
import type { Category, InputProblem } from "../domain.js";
import { SafetagError } from "../errors.js";
import { normalizeSpace } from "../ingest/result.js";
import { arrayElementLines, isObject, parseJson } from "./jsonText.js";
import type { ReviewItem } from "./queue.js";
import { isoSeconds, reconcile, shownProbability, sourceOf, type SkippedAnnotation, type ToolAnnotation,
  type ToolExport, type ToolTask } from "./toolAnswers.js";

/** The names that tie the tasks, the config and the export together. */
export const LABEL_STUDIO = { text: "text", control: "category" } as const;

export interface ToolQueueOptions {
  /** The categories offered, in order (toolChoices). */
  choices: readonly Category[];
  /** The choice for a model's pick; undefined when it is none of them (no pre-annotation then). */
  pick: (c: Category) => Category | undefined;
  /** The model's id, as `safetag models` lists it. */
  modelVersion: string;
}

/** The tasks JSON for `items`, and how many of them go without a pre-annotation (their pick is no longer a category). */
export function labelStudioTasks(items: readonly ReviewItem[], opts: ToolQueueOptions): { json: string; withoutPrediction: number } {
  let withoutPrediction = 0;
  const tasks = items.map((q) => {
    const choice = opts.pick(q.predicted);
    if (choice === undefined) withoutPrediction++;
    return {
      data: {
        [LABEL_STUDIO.text]: q.abstract,
        id: q.id,
        file: q.file,
        ...(q.line === undefined ? {} : { line: q.line }),
        predicted: q.predicted,
        confidence: shownProbability(q.confidence),
        runner_up: q.runnerUp,
        margin: shownProbability(q.margin),
        needs_review: q.needsReview,
        reason: q.reason,
      },
      predictions: choice === undefined ? [] : [{
        model_version: opts.modelVersion,
        score: shownProbability(q.confidence),
        result: [{ from_name: LABEL_STUDIO.control, to_name: LABEL_STUDIO.text, type: "choices", value: { choices: [choice] } }],
      }],
    };
  });
  return { json: `${JSON.stringify(tasks, null, 2)}\n`, withoutPrediction };
}

/** The labeling config: the abstract, and one single choice among `choices`. */
export function labelStudioConfig(choices: readonly Category[]): string {
  return [
    "<View>",
    `  <Text name="${LABEL_STUDIO.text}" value="$${LABEL_STUDIO.text}"/>`,
    `  <Choices name="${LABEL_STUDIO.control}" toName="${LABEL_STUDIO.text}" choice="single" showInline="false" required="true">`,
    ...choices.map((c) => `    <Choice value="${xmlAttribute(c)}"/>`),
    "  </Choices>",
    "</View>",
    "",
  ].join("\n");
}

/**
 * `value` inside a double-quoted XML attribute. Markup characters become entities; a tab or line
 * break becomes a character reference (a parser turns a raw one into a space); a character XML 1.0
 * cannot hold at all is refused.
 */
export function xmlAttribute(value: string): string {
  const bad = [...value].find((c) => /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(c) || /^[\uD800-\uDFFF]$/.test(c));
  if (bad !== undefined) {
    throw new SafetagError("E_LABEL_CONFIG",
      `the category ${JSON.stringify(value)} has U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}, which an ` +
        `XML labeling config cannot hold`, {
      hint: "rename the category in the taxonomy file",
    });
  }
  return value.replace(/[&<>"'\t\n\r]/g, (c) => XML_ESCAPES[c]!);
}

const XML_ESCAPES: Record<string,
  string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;" };

const EXPORT_HINT = "in Label Studio, Export the project as JSON or JSON-MIN (not CSV) and give that file to `safetag accept`";

/** Reads a Label Studio JSON export (see the module comment): its answers and everything that is not one, listed. */
export function parseLabelStudioExport(text: string, file: string): ToolExport {
  const body = text.replace(/^\uFEFF/, "");
  const none = (problem: InputProblem): ToolExport => ({ answers: [], unanswered: [], skipped: [], problems: [problem] });
  const parsed = parseJson(body, file, EXPORT_HINT);
  if (!parsed.ok) return none(parsed.problem);
  if (!Array.isArray(parsed.value)) return none(
    { code: "E_REVIEW_EXPORT", file, line: 1, message: "a Label Studio export is a JSON array of tasks; this is not an array", hint: EXPORT_HINT });
  const lines = arrayElementLines(body);
  if (parsed.value.length > 0 && parsed.value.every(isMinRecord)) return parseMinExport(parsed.value, lines, file);
  const problems: InputProblem[] = [];
  const skipped: SkippedAnnotation[] = [];
  const tasks: ToolTask[] = [];
  parsed.value.forEach((raw, k) => {
    const line = lines[k] ?? 1;
    const lsId = isObject(raw) && (typeof raw.id === "number" || typeof raw.id === "string") ? ` (Label Studio id ${raw.id})` : "";
    const place = `task ${k + 1}${lsId}`;
    const problem = (column: string | undefined, message: string, hint = EXPORT_HINT, value?: string) =>
      problems.push(
        { code: "E_REVIEW_EXPORT", file, line, ...(column ? { column } : {}),
          message: `${place}: ${message}`, hint, ...(value === undefined ? {} : { value }) });
    if (!isObject(raw)) return problem(undefined, "is not a JSON object");
    if (!isObject(raw.data)) return problem("data", "has no `data` object");
    if (!("annotations" in raw)) {
      return problem("annotations", "has no `annotations`: this is a task file (what `safetag review` writes), not an export",
        "import the tasks into Label Studio, label them, then Export the project as JSON and accept that file");
    }
    if (!Array.isArray(raw.annotations)) return problem("annotations", "`annotations` is not a list");
    const abstract = typeof raw.data[LABEL_STUDIO.text] === "string" ? normalizeSpace(raw.data[LABEL_STUDIO.text] as string) : "";
    const annotations: ToolAnnotation[] = [];
    raw.annotations.forEach((a, j) => {
      const at = `annotations[${j}]`;
      if (!isObject(a)) return problem(at, "an annotation is not a JSON object");
      const annotator = annotatorName(a.completed_by);
      if (a.was_cancelled === true) {
        skipped.push({ place, annotator, why: "skipped in Label Studio (was_cancelled)" });
        return;
      }
      if (!Array.isArray(a.result)) return problem(`${at}.result`, "an annotation has no `result` list");
      const time = timeOf(a.updated_at ?? a.created_at);
      if (time === null) return problem(`${at}.updated_at`, "the annotation's time is not a date and time", EXPORT_HINT, String(a.updated_at ?? a.created_at));
      const choices: string[] = [];
      let column = `${at}.result`;
      a.result.forEach((r, i) => {
        if (!isObject(r) || r.type !== "choices") return; // other controls (a comment box) are not the category
        column = `${at}.result[${i}].value.choices`;
        const value = isObject(r.value) ? r.value.choices : undefined;
        if (!Array.isArray(value) || value.some((c) => typeof c !== "string")) return problem(column, "`value.choices` is not a list of names");
        choices.push(...(value as string[]).map(normalizeSpace));
      });
      annotations.push({ annotator, choices, line, column, ...(time ? { time } : {}) });
    });
    if (abstract === "") {
      if (annotations.length > 0) problem(
        `data.${LABEL_STUDIO.text}`, "an annotated task has no abstract", "keep the `text` the review queue wrote; it is what the label is for");
      return;
    }
    tasks.push({ line, place, id: typeof raw.data.id === "string" ? raw.data.id : "", abstract, source: sourceOf(raw.data.file, raw.data.line), annotations });
  });
  const { answers, unanswered } = reconcile(tasks, file, problems);
  return { answers, unanswered, skipped, problems };
}

/** A JSON-MIN record: flat, the abstract at the top, no `data` or `annotations`. */
function isMinRecord(raw: unknown): raw is Record<string, unknown> {
  return isObject(raw) && !("data" in raw) && !("annotations" in raw) && typeof raw[LABEL_STUDIO.text] === "string";
}

/** The answers of a JSON-MIN export (see the module comment), one task per Label Studio task id. */
function parseMinExport(records: readonly Record<string, unknown>[], lines: readonly number[], file: string): ToolExport {
  const problems: InputProblem[] = [];
  const byTask = new Map<string, ToolTask>();
  const tasks: ToolTask[] = [];
  records.forEach((r, k) => {
    const line = lines[k] ?? 1;
    const lsId = typeof r.id === "number" || typeof r.id === "string" ? String(r.id) : undefined;
    const abstract = normalizeSpace(r[LABEL_STUDIO.text] as string);
    const place = `record ${k + 1}${lsId === undefined ? "" : ` (Label Studio task ${lsId})`}`;
    const key = lsId === undefined ? `#${k}` : `id ${lsId}`;
    let task = byTask.get(key);
    if (!task) {
      task = { line, place, id: "", abstract, source: sourceOf(r.file, r.line), annotations: [] };
      byTask.set(key, task);
      tasks.push(task);
    }
    const problem = (column: string, message: string, value?: string) => problems.push(
      { code: "E_REVIEW_EXPORT", file, line, column, message: `${place}: ${message}`, hint: EXPORT_HINT, ...(value === undefined ? {} : { value }) });
    if (abstract === "") return problem(LABEL_STUDIO.text, "has no abstract");
    if (task.abstract !== abstract) return problem(LABEL_STUDIO.text, "has another abstract than the earlier record of the same task");
    const time = timeOf(r.updated_at ?? r.created_at);
    if (time === null) return problem("updated_at", "the annotation's time is not a date and time", String(r.updated_at ?? r.created_at));
    const choices = minChoices(r[LABEL_STUDIO.control]);
    if (choices === undefined) return problem(LABEL_STUDIO.control, "the choice is not a name or a list of names", JSON.stringify(r[LABEL_STUDIO.control]));
    if (r[LABEL_STUDIO.control] === undefined) return; // a record without the control: nothing chosen in it
    const annotator = typeof r.annotator === "string" && r.annotator !== "" ? r.annotator : annotatorName(r.annotator); // JSON-MIN names an email
    task.annotations.push({ annotator, choices, line, column: LABEL_STUDIO.control, ...(time ? { time } : {}) });
  });
  const { answers, unanswered } = reconcile(tasks, file, problems);
  return { answers, unanswered, skipped: [], problems };
}

/** JSON-MIN's choice: a name, a list of names, or a list of `{ choices: [...] }`; undefined when it is none of these. */
function minChoices(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (typeof value === "string") return [normalizeSpace(value)];
  if (!Array.isArray(value)) return isObject(value) ? minChoices(value.choices) : undefined;
  const out: string[] = [];
  for (const v of value) {
    const more = typeof v === "string" ? [v] : isObject(v) ? minChoices(v.choices) : undefined;
    if (more === undefined) return undefined;
    out.push(...more.map(normalizeSpace));
  }
  return out;
}

/** The annotator as the export names them: a user id (`label-studio user 7`), or an older export's user object (its email). */
function annotatorName(completedBy: unknown): string {
  if (typeof completedBy === "number" || (typeof completedBy === "string" && completedBy !== "")) return `label-studio user ${completedBy}`;
  if (isObject(completedBy)) {
    if (typeof completedBy.email === "string" && completedBy.email !== "") return completedBy.email;
    const name = [completedBy.first_name, completedBy.last_name].filter((s) => typeof s === "string" && s !== "").join(" ");
    if (name) return name;
    if (typeof completedBy.id === "number") return `label-studio user ${completedBy.id}`;
  }
  return "";
}

/** An export's time as ISO UTC to the second; undefined when there is none, null when it is not a time. */
function timeOf(value: unknown): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return null;
  return isoSeconds(Date.parse(value)) ?? null;
}
