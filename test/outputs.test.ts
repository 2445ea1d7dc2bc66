/**
 * What an output may be, and what it may replace (issue 13, items 1, 2, 3, 4, 7, 8, 9 and 25;
 * README "When input is bad", Outputs): only a regular file is renamed over; a device or a pipe
 * is written directly; no output is an input, named or not, or another output; every failure to
 * write is E_WRITE, exit 73, with nothing left behind; inputs that are pipes are read as streams.
 *
 * Device nodes are made with mknod in a temp folder (never the real /dev): a copy of /dev/null
 * (c 1 3) and of /dev/full (c 1 7), the full disk. Those tests are skipped only where mknod is
 * refused. Tests that need a shell (`<(...)`, `ulimit`, `> /dev/full`) or another working folder
 * run the built CLI (`dist/`, made by `npm run build`, which `npm test` runs first).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync,
  statSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { cli, fixture, parseCsv, type CliRun } from "./cliHarness.js";
import { writeFileAtomic } from "../src/io/atomic.js";
import { outputTarget } from "../src/io/output.js";

const CLI = join(__dirname, "..", "dist", "src", "cli", "main.js");
const TAXONOMY = ["--taxonomy", fixture("tiny-taxonomy.json")];
const tinyDump = readFileSync(fixture("tiny-dump.txt"), "utf8");
const tinyCsv = readFileSync(fixture("tiny-labeled.csv"), "utf8");

const dir = mkdtempSync(join(tmpdir(), "safetag-outputs-"));
const at = (f: string) => join(dir, f);
const model = at("model.json");
const temps = (d: string) => readdirSync(d).filter((f) => f.endsWith(".tmp"));

function write(name: string, content: string): string {
  writeFileSync(at(name), content);
  return at(name);
}

/** A fresh folder of its own, for tests that look at everything in it. */
const folder = (name: string) => mkdtempSync(join(dir, `${name}-`));

function noStackTrace(r: { stderr: string }): void {
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(r.stderr).not.toMatch(/unexpected error|Unhandled 'error' event|node:internal/);
}

/** A device node made with mknod, or undefined where that is not allowed (not root, a container without the capability). */
function mknod(path: string, minor: 3 | 7): string | undefined {
  const r = spawnSync("mknod", [path, "c", "1", String(minor)]);
  return r.status === 0 && existsSync(path) && statSync(path).isCharacterDevice() ? path : undefined;
}
const mknodAllowed = mknod(join(mkdtempSync(join(tmpdir(), "safetag-mknod-")), "probe"), 3) !== undefined;
const isCharDevice = (p: string) => lstatSync(p).isCharacterDevice();

/** The built CLI as its own process: `shell` wraps the command (`<(...)`, `ulimit`), `stdout` may be a file descriptor. */
function spawnCli(args: string[], opts: { cwd?: string; shell?: string; stdout?: number } = {}): Promise<CliRun> {
  const [command, argv] = opts.shell ? ["bash", ["-c", opts.shell, "safetag", process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: opts.cwd, stdio: ["ignore", opts.stdout ?? "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout: out, stderr: err }));
  });
}

/** What a prediction row says, without the input's name (a pipe's name is its file descriptor). */
const verdicts = (csv: string) => parseCsv(csv).map((r) => [r.line, r.category, r.confidence, r.needs_review]);

beforeAll(async () => {
  expect(existsSync(CLI), "run `npm run build` first: some tests run dist/src/cli/main.js").toBe(true);
  const t = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", model, ...TAXONOMY]);
  expect(t.code).toBe(0);
});

describe("1. a device, a pipe or a symbolic link is never replaced by a regular file", () => {
  it.skipIf(!mknodAllowed)("predict -o a character device (a copy of /dev/null): written to, and still a character device", async () => {
    const d = folder("null");
    const devNull = mknod(join(d, "null"), 3)!;
    const r = await cli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", devNull]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`predictions written to ${devNull}`);
    expect(isCharDevice(devNull)).toBe(true);
    expect(readdirSync(d)).toEqual(["null"]);
  });

  it.skipIf(!mknodAllowed)("train --out a character device: written to it, and no registry is made beside it", async () => {
    const d = folder("train-null");
    const devNull = mknod(join(d, "null"), 3)!;
    const r = await cli(["train", "--data", fixture("tiny-labeled.csv"), "--out", devNull, ...TAXONOMY]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`not kept in a model registry: ${devNull} is not a regular file`);
    expect(isCharDevice(devNull)).toBe(true);
    expect(readdirSync(d)).toEqual(["null"]);
  });

  it("predict -o a FIFO: its reader gets the predictions, and it stays a FIFO", async () => {
    const d = folder("fifo");
    const fifo = join(d, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawnCli([], { shell: `cat "${fifo}"` });
    const r = await spawnCli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", fifo]);
    expect(r.code).toBe(0);
    const read = await reader;
    expect(verdicts(read.stdout)).toEqual(verdicts((await cli(["predict", "--model", model, "--input", fixture("tiny-dump.txt")])).stdout));
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(d)).toEqual(["fifo"]);
  });

  it("predict -o a symbolic link: its target is replaced whole, and the link stays a link", async () => {
    const d = folder("link");
    writeFileSync(join(d, "target.csv"), "old\n");
    symlinkSync("target.csv", join(d, "link.csv"));
    const r = await cli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", join(d, "link.csv")]);
    expect(r.code).toBe(0);
    expect(lstatSync(join(d, "link.csv")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, "target.csv"), "utf8")).toMatch(/^id,category,confidence/);
    expect(readdirSync(d).sort()).toEqual(["link.csv", "target.csv"]);
  });

  it("a symbolic link to nothing, or a folder: refused with E_WRITE (exit 73), and left as they were", async () => {
    const d = folder("refused");
    symlinkSync("nowhere.csv", join(d, "dangling.csv"));
    const dangling = await cli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", join(d, "dangling.csv")]);
    expect(dangling.code).toBe(73);
    expect(dangling.stderr).toContain(`E_WRITE: cannot write ${join(d, "dangling.csv")} (a symbolic link to nothing`);
    expect(lstatSync(join(d, "dangling.csv")).isSymbolicLink()).toBe(true);
    const folderOut = await cli(["review", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", d]);
    expect(folderOut.code).toBe(73);
    expect(folderOut.stderr).toContain(`E_WRITE: cannot write ${d} (it is a folder)`);
    expect(readdirSync(d)).toEqual(["dangling.csv"]);
  });

  it("`-`, /dev/stdout and /dev/stderr are the command's own streams (classified only: a test never writes the real /dev)", () => {
    expect(["-", "/dev/stdout", "/dev/fd/1", "/dev/stderr"].map(outputTarget)).toEqual([
      { kind: "standard", stream: "stdout" },
      { kind: "standard", stream: "stdout" },
      { kind: "standard", stream: "stdout" },
      { kind: "standard", stream: "stderr" },
    ]);
  });

  it("-o a link to the process's standard output (what /dev/stdout is, made in a temp folder): written through, and the link stays", async () => {
    const d = folder("stdout-link");
    const link = join(d, "stdout");
    symlinkSync("/proc/self/fd/1", link);
    // through `| cat`: a child's standard output from Node is a socket, which cannot be opened by path
    const r = await spawnCli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", link], { shell: 'set -o pipefail; "$@" | cat' });
    expect(r.code).toBe(0);
    expect(verdicts(r.stdout)).toHaveLength(4);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(d)).toEqual(["stdout"]);
  });

  it("the rename itself refuses anything but a regular file (a FIFO), and leaves no temporary file", () => {
    const d = folder("rename");
    const fifo = join(d, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expect(() => writeFileAtomic(fifo, "x")).toThrow(/cannot write .*fifo \(not a regular file: only a regular file is replaced\)/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(d)).toEqual(["fifo"]);
  });
});

describe("2. outputs are checked against the inputs a command reads without being told, and against each other", () => {
  /** A project folder: data/labeled.csv, data/taxonomy.json (the default), data/reviewed.csv, a kept model. */
  let project: string;
  const file = (f: string) => join(project, f);
  const bytes = (f: string) => readFileSync(file(f), "utf8");

  beforeAll(async () => {
    project = folder("project");
    mkdirSync(file("data"));
    writeFileSync(file("data/labeled.csv"), tinyCsv);
    cpSync(fixture("tiny-taxonomy.json"), file("data/taxonomy.json"));
    writeFileSync(file("data/reviewed.csv"), "id,category,abstract,reviewer\nr1,Robustness,Adversarial perturbations break classifiers,ana\n");
    symlinkSync("labeled.csv", file("data/link.csv"));
    const first = await spawnCli(["train", "--data", "data/labeled.csv", "--out", "models/model.json"], { cwd: project });
    expect(first.code).toBe(0);
  });

  it.each([
    ["the default taxonomy", ["train", "--data", "data/labeled.csv", "--out", "data/taxonomy.json"],
      "data/taxonomy.json", /E_OUTPUT_IS_INPUT: output data\/taxonomy\.json \(--out\) is also an input: the taxonomy read by default/],
    ["the reviewed labels beside --data", ["train", "--data", "data/labeled.csv", "--out", "./data/reviewed.csv"],
      "data/reviewed.csv", /E_OUTPUT_IS_INPUT: .*is also an input: the reviewed labels beside --data \(data\/reviewed\.csv\)/],
    ["the registry index beside --out", ["train", "--data", "data/labeled.csv", "--out", "models/registry.json"],
      "models/registry.json", /E_OUTPUT_TWICE: --out and the model registry index beside --out would both be written to models\/registry\.json/],
    ["the target of a symlinked --data", ["train", "--data", "data/link.csv", "--out", "data/labeled.csv"],
      "data/labeled.csv", /E_OUTPUT_IS_INPUT: output data\/labeled\.csv \(--out\) is also an input: --data \(data\/link\.csv\)/],
    ["eval's reports over the taxonomy",
      ["eval", "--data", "data/labeled.csv", "--report-dir", "x", "--taxonomy", "x/report.json"], "data/taxonomy.json",
        /E_OUTPUT_IS_INPUT: output x\/report\.json .* is also an input: --taxonomy/],
    ["accept: the review sheet is the reviewed labels it rewrites",
      ["accept", "data/reviewed.csv", "--data", "data/labeled.csv"], "data/reviewed.csv",
        /E_OUTPUT_IS_INPUT: output data\/reviewed\.csv \(the reviewed labels beside --data\) is also an input: the review sheet/],
    ["run: --labeled over the default taxonomy",
      ["run", "--sheet", "data/labeled.csv", "--labeled", "./data/taxonomy.json"], "data/taxonomy.json",
        /E_OUTPUT_IS_INPUT: .*--labeled.* is also an input: the taxonomy/],
  ])("%s: refused (exit 2), before any work, and the file is untouched", async (_name, args, kept, message) => {
    const before = bytes(kept);
    const registry = bytes("models/registry.json");
    const r = await spawnCli(args, { cwd: project });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(bytes(kept)).toBe(before);
    expect(bytes("models/registry.json")).toBe(registry);
    expect(existsSync(file("x"))).toBe(false);
  });
});

describe("3. review -o is none of its inputs", () => {
  it("not --model, not --data, not the target of a symlinked --input, however the path is spelt: exit 2, each untouched", async () => {
    const d = folder("review");
    const labeled = join(d, "labeled.csv");
    writeFileSync(labeled, tinyCsv);
    const dump = join(d, "dump.txt");
    writeFileSync(dump, tinyDump);
    symlinkSync("dump.txt", join(d, "link.txt"));
    const modelBytes = readFileSync(model, "utf8");
    const dotted = `./${relative(process.cwd(), model)}`;
    const cases: [string[], string][] = [
      [["--input", dump, "--output", dotted], "--model"],
      [["--data", labeled, "--output", labeled, ...TAXONOMY], "--data"],
      [["--input", join(d, "link.txt"), "--output", dump], "--input"],
    ];
    for (const [args, what] of cases) {
      const r = await cli(["review", "--model", model, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`E_OUTPUT_IS_INPUT: output .* \\(--output\\) is also an input: ${what} `));
    }
    expect(readFileSync(model, "utf8")).toBe(modelBytes);
    expect(readFileSync(labeled, "utf8")).toBe(tinyCsv);
    expect(readFileSync(dump, "utf8")).toBe(tinyDump);
    expect(lstatSync(join(d, "link.txt")).isSymbolicLink()).toBe(true);
  });
});

describe("4. predict --html is not --output", () => {
  it("the same file, spelt two ways: exit 2, and the CSV already there is untouched", async () => {
    const d = folder("html");
    const csv = join(d, "p.csv");
    writeFileSync(csv, "the old predictions\n");
    symlinkSync(d, `${d}-alias`);
    for (const html of [`${d}/./p.csv`, `${d}-alias/p.csv`]) {
      const r = await cli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", csv, "--html", html]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`E_OUTPUT_TWICE: --output and --html would both be written to ${html} (${csv})`);
    }
    expect(readFileSync(csv, "utf8")).toBe("the old predictions\n");
    expect(readdirSync(d)).toEqual(["p.csv"]);
  });
});

describe("7. a full disk, or any failure to write, is E_WRITE (exit 73) from every command, with nothing left behind", () => {
  it.skipIf(!mknodAllowed)("every command writing to a full device (a copy of /dev/full): exit 73 naming it, and it stays a device", async () => {
    const d = folder("full");
    const full = mknod(join(d, "full"), 7)!;
    mkdirSync(join(d, "reports"));
    const reportFull = mknod(join(d, "reports", "report.md"), 7)!;
    const commands: [string[], string][] = [
      [["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", full], full],
      [["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", join(d, "p.csv"), "--html", full], full],
      [["train", "--data", fixture("tiny-labeled.csv"), "--out", full, ...TAXONOMY], full],
      [["ingest", fixture("tiny-labeled.csv"), "--output", full, ...TAXONOMY], full],
      [["review", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", full], full],
      [["eval", "--data", fixture("tiny-labeled.csv"), "--report-dir", join(d, "reports"), "--folds", "2", "--repeats",
        "1", "--no-learning-curve", ...TAXONOMY], reportFull],
    ];
    for (const [args, device] of commands) {
      const r = await cli(args);
      expect(r.stderr).toContain(`E_WRITE: cannot write ${device} (the disk is full)`);
      expect(r.code).toBe(73);
      noStackTrace(r);
      expect(isCharDevice(device)).toBe(true);
    }
    expect(temps(d)).toEqual([]);
    expect(temps(join(d, "reports"))).toEqual([]);
  });

  it("predict to a regular file that cannot grow (ulimit -f): exit 73, the old file kept, no temporary file left", async () => {
    const d = folder("efbig");
    const csv = join(d, "p.csv");
    writeFileSync(csv, "the old predictions\n");
    const dump = join(d, "dump.txt");
    writeFileSync(dump, tinyDump.repeat(20));
    const r = await spawnCli(["predict", "--model", model, "--input", dump, "--output", csv], { shell: 'ulimit -f 1; exec "$@"' });
    expect(r.stderr).toContain(`E_WRITE: cannot write ${csv} (the file is larger than this process may write`);
    expect(r.code).toBe(73);
    noStackTrace(r);
    expect(readFileSync(csv, "utf8")).toBe("the old predictions\n");
    expect(readdirSync(d).sort()).toEqual(["dump.txt", "p.csv"]);
  });

  it.skipIf(!mknodAllowed)(
    "standard output on a full device (`predict > /dev/full`, `review -o - > /dev/full`): exit 73 and a clear message, no stack trace", async () => {
    const full = mknod(join(folder("stdout-full"), "full"), 7)!;
    for (const args of [["predict", "--model", model, "--input", fixture("tiny-dump.txt")],
      ["review", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", "-"]]) {
      const fd = openSync(full, "w");
      const r = await spawnCli(args, { stdout: fd });
      closeSync(fd);
      expect(r.stderr).toContain("E_WRITE: cannot write standard output (the disk is full)");
      expect(r.code).toBe(73);
      noStackTrace(r);
    }
  });
});

describe("8. a pipe or a process substitution is read as a stream", () => {
  const direct = async () => (await cli(["predict", "--model", model, "--input", fixture("tiny-dump.txt")])).stdout;

  it("review --input <(cat D) and predict -i <(cat D): the same rows as from the file", async () => {
    const out = join(folder("substitution"), "review.csv");
    const review =
      await spawnCli(["review", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", out],
        { shell: 'exec "$1" "$2" review --model "$5" --input <(cat "$7") --output "$9"' });
    expect(review.stderr).toMatch(/4 abstracts read/);
    expect(review.code).toBe(0);
    const fromFile = await cli(["review", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", "-"]);
    const rows = (csv: string) => parseCsv(csv).map((r) => [r.line, r.predicted_category, r.abstract]);
    expect(rows(readFileSync(out, "utf8"))).toEqual(rows(fromFile.stdout));
    const predict =
      await spawnCli(["predict", "--model", model, "--input", fixture("tiny-dump.txt")], { shell: 'exec "$1" "$2" predict --model "$5" --input <(cat "$7")' });
    expect(predict.code).toBe(0);
    expect(verdicts(predict.stdout)).toEqual(verdicts(await direct()));
  });

  it("predict -i a FIFO: read once, as it comes", async () => {
    const fifo = join(folder("fifo-in"), "in");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const writer = spawnCli([], { shell: `cat "${fixture("tiny-dump.txt")}" > "${fifo}"` });
    const r = await spawnCli(["predict", "--model", model, "--input", fifo]);
    expect(r.code).toBe(0);
    expect((await writer).code).toBe(0);
    expect(verdicts(r.stdout)).toEqual(verdicts(await direct()));
  });

  it("a CSV header split between two chunks of standard input is still read as CSV", async () => {
    const r = await cli(["predict", "--model", model, "--input", "-"], ["id,abs", "tract\na1,Adversarial perturbations break robustness\n"]);
    expect(r.code).toBe(0);
    expect(parseCsv(r.stdout).map((p) => p.id)).toEqual(["a1"]);
  });
});

describe("9. --workers is capped at the number of cores", () => {
  it("--workers 10000: a warning, and no more threads than cores", async () => {
    const cores = availableParallelism();
    const lines = Array.from({ length: 600 }, (_, i) => `Abstract: adversarial robustness and interpretable circuits, study ${i}`);
    const dump = write("many.txt", `${lines.join("\n")}\n`);
    const r = await cli(["predict", "--model", model, "--input", dump, "--output", at("many.csv"), "--workers", "10000"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: --workers 10000 is more than the ${cores} cores of this machine; labeling on ${cores} threads`);
    const threads = /by (\d+) threads/.exec(r.stderr)?.[1] ?? "1";
    expect(Number(threads)).toBeLessThanOrEqual(cores);
    expect(parseCsv(readFileSync(at("many.csv"), "utf8"))).toHaveLength(600);
  });
});

describe("25. --html -", () => {
  it("is standard output, never a file named `-`; with --output on standard output too, refused", async () => {
    const d = folder("html-dash");
    const page = await spawnCli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--output", "p.csv", "--html", "-"], { cwd: d });
    expect(page.code).toBe(0);
    expect(page.stdout).toMatch(/^<!doctype html>/i);
    expect(page.stderr).toContain("review page written to standard output");
    const both = await spawnCli(["predict", "--model", model, "--input", fixture("tiny-dump.txt"), "--html", "-"], { cwd: d });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("E_OUTPUT_TWICE: --output and --html would both be written to standard output");
    expect(readdirSync(d)).toEqual(["p.csv"]);
  });
});
