import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { readAbstracts, readDumpAbstracts, sniffFormat, type AbstractRecord } from "../src/ingest/abstracts.js";

async function collect(text: string, format: Parameters<typeof readAbstracts>[2], file = "dump.txt"): Promise<AbstractRecord[]> {
  const out: AbstractRecord[] = [];
  for await (const r of readAbstracts(Readable.from([text]), file, format)) out.push(r);
  return out;
}

describe("abstract readers", () => {
  it("reads `Abstract:` lines with file and line, and reports other lines as skipped", async () => {
    const recs = await collect("Tony\nAbstract:First one.\n\nAbstract: Second one.\r\n", "dump");
    expect(recs).toEqual([
      { kind: "skipped", line: 1, text: "Tony", reason: expect.any(String) },
      { kind: "abstract", item: { id: "dump.txt:2", abstract: "First one.", source: "dump.txt", line: 2 } },
      { kind: "abstract", item: { id: "dump.txt:4", abstract: "Second one.", source: "dump.txt", line: 4 } },
    ]);
  });

  it("keeps an empty `Abstract:` line as an abstract (it must still get an output row)", async () => {
    const recs = await collect("Abstract:\n", "dump");
    expect(recs).toEqual([{ kind: "abstract", item: { id: "dump.txt:1", abstract: "", source: "dump.txt", line: 1 } }]);
  });

  it("reads CSV with case-insensitive headers, quoted newlines and a BOM", async () => {
    const recs = await collect('\uFEFFID,Abstract\na1,"line one\nline two"\na2,plain\n', "csv", "in.csv");
    expect(recs.map((r) => (r.kind === "abstract" ? [r.item.id, r.item.abstract, r.item.line] : r))).toEqual([
      ["a1", "line one\nline two", 2],
      ["a2", "plain", 3],
    ]);
  });

  it("numbers CSV rows without an id by their spreadsheet row", async () => {
    const recs = await collect("abstract\nfirst\nsecond\n", "csv", "in.csv");
    expect(recs.map((r) => (r.kind === "abstract" ? r.item.id : ""))).toEqual(["in.csv:2", "in.csv:3"]);
  });

  it("rejects a CSV without an abstract column, naming the columns found", async () => {
    await expect(collect("id,text\n1,hello\n", "csv", "in.csv")).rejects.toThrow(/no `abstract` column \(found: id, text\)/);
  });

  it("reads JSONL and reports bad lines", async () => {
    const recs = await collect('{"id":"x","Abstract":"hi"}\nnot json\n{"id":"y"}\n', "jsonl", "in.jsonl");
    expect(recs[0]).toEqual({ kind: "abstract", item: { id: "x", abstract: "hi", source: "in.jsonl", line: 1 } });
    expect(recs.slice(1).map((r) => r.kind)).toEqual(["skipped", "skipped"]);
  });

  it("sniffs the format from the name, then the content", () => {
    expect(sniffFormat("", "a.jsonl")).toBe("jsonl");
    expect(sniffFormat("Tony\nAbstract: x")).toBe("dump");
    expect(sniffFormat("Abstract: x")).toBe("dump");
    expect(sniffFormat("id,abstract\n1,x")).toBe("csv");
    expect(sniffFormat("id\tAbstract\n1\tx")).toBe("tsv");
    expect(sniffFormat('{"abstract":"x"}')).toBe("jsonl");
  });
});

describe("readDumpAbstracts (the out-of-scope abstracts eval reads)", () => {
  const dir = mkdtempSync(join(tmpdir(), "safetag-dump-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("gives the text after `Abstract:`, trimmed, and says every line it leaves out", async () => {
    const path = file("plain.txt", "Abstract: First one. \nTony\n  abstract :Second one.\r\nAbstract:   \n");
    expect(await readDumpAbstracts(path)).toEqual({
      abstracts: ["First one.", "Second one."],
      leftOut: [
        { line: 2, reason: "not an `Abstract:` line (e.g. a collector's name)" },
        { line: 4, reason: "an empty abstract" },
      ],
    });
  });

  it("ends lines where predict does: a lone CR, and keeps a line with U+2028 in it whole", async () => {
    // eval's own regex read neither: a lone CR left the whole file one line, and `.` stops at U+2028
    const path = file("odd.txt", "Abstract: One.\rAbstract: Two\u2028halves.\n");
    expect((await readDumpAbstracts(path)).abstracts).toEqual(["One.", "Two\u2028halves."]);
  });

  it("answers a missing file as reading any whole file does (E_NO_INPUT, naming it)", async () => {
    await expect(readDumpAbstracts(join(dir, "missing.txt"))).rejects
      .toMatchObject({ code: "E_NO_INPUT", message: `${join(dir, "missing.txt")}: cannot read the file (no such file)` });
  });
});
