import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliContext } from "../src/cli/context.js";
import { formatProgress, progressEnabled, startProgress } from "../src/cli/progress.js";

function terminal(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (isTTY) stream.isTTY = true;
  let out = "";
  stream.on("data", (d) => (out += d));
  return { stream, text: () => out };
}

const ctxFor = (stderr: PassThrough, quiet = false): CliContext => ({ stdout: new PassThrough(), stderr, stdin: new PassThrough(), quiet, debug: false });

describe("progress line", () => {
  it("is shown only to a person at a terminal: not with --quiet, not in CI, not into a pipe", () => {
    expect(progressEnabled(terminal(true).stream, false, {})).toBe(true);
    expect(progressEnabled(terminal(true).stream, true, {})).toBe(false);
    expect(progressEnabled(terminal(true).stream, false, { CI: "true" })).toBe(false);
    expect(progressEnabled(terminal(true).stream, false, { CI: "1" })).toBe(false);
    expect(progressEnabled(terminal(true).stream, false, { CI: "false" })).toBe(true);
    expect(progressEnabled(terminal(false).stream, false, {})).toBe(false);
  });

  it("formats a bar when the total is known and a counter when it is not", () => {
    expect(formatProgress("cv", 5, 20, 2400)).toBe("cv [######..................] 5/20 (2s)");
    expect(formatProgress("predicting", 1234, undefined, 0)).toBe("predicting 1234 (0s)");
    expect(formatProgress("eval: final model", undefined, undefined, 7600)).toBe("eval: final model (8s)"); // a stage with no count shows none
  });

  it("names each stage after its label as it starts, drawn at once however recent the last draw; the count starts afresh", () => {
    const previous = process.env.CI;
    delete process.env.CI;
    try {
      const { stream, text } = terminal(true);
      let now = 0;
      const progress = startProgress(ctxFor(stream), "eval", { delayMs: 100, intervalMs: 50, now: () => now });
      progress.stage("cross-validation"); // before the delay: nothing
      now = 150;
      progress.update(5, 5);
      now = 151;
      progress.stage("final model"); // 1 ms after the last draw, drawn all the same
      now = 2200;
      progress.stage("learning curve");
      now = 2210;
      progress.update(1, 8); // throttled
      now = 2300;
      progress.update(2, 8);
      progress.done();
      expect(text().split("\r").filter((s) => s.trim() !== "").map((s) => s.trim())).toEqual([
        "eval: cross-validation [########################] 5/5 (0s)",
        "eval: final model (0s)",
        "eval: learning curve (2s)",
        "eval: learning curve [######..................] 2/8 (2s)",
      ]);
    } finally {
      if (previous !== undefined) process.env.CI = previous;
    }
  });

  it("rewrites one line with \\r, throttled, and erases it when done", () => {
    const previous = process.env.CI;
    delete process.env.CI;
    try {
      const { stream, text } = terminal(true);
      let now = 0;
      const progress = startProgress(ctxFor(stream), "cv", { delayMs: 100, intervalMs: 50, now: () => now });
      progress.update(1, 4); // before the delay: nothing
      now = 120;
      progress.update(2, 4);
      now = 130;
      progress.update(3, 4); // throttled
      now = 140;
      progress.update(4, 4); // the last one is always drawn
      progress.done();
      const written = text();
      expect(written).not.toContain("\n");
      expect(written.split("\r").filter((s) => s.trim() !== "").map((s) => s.trim()))
        .toEqual(["cv [############............] 2/4 (0s)", "cv [########################] 4/4 (0s)"]);
      expect(written.endsWith("\r")).toBe(true);
    } finally {
      if (previous !== undefined) process.env.CI = previous;
    }
  });
});
