import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compactTime, emptyRegistry, findEntry, parseRegistry, withEntry, type RegistryEntry } from "../src/modelfile/kept.js";
import { cli } from "./cliHarness.js";
import { thrown } from "./thrown.js";

const dir = mkdtempSync(join(tmpdir(), "safetag-registry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (id: string, rows = 10): RegistryEntry => ({
  id, file: `registry/${id}.json`, path: "models/model.json", createdAt: "", kind: "complement-nb", titles: false,
  data: { path: "data/labeled.csv", sha256: "", rows }, categories: ["A", "B"],
});

describe("the model registry", () => {
  it("adds models oldest first, marks the newest current, and finds them by id, start of id or `current`", () => {
    const index = withEntry(withEntry(emptyRegistry(), entry("20260101T000000Z-aaaa")), entry("20260102T000000Z-bbbb", 12));
    expect(index.current).toBe("20260102T000000Z-bbbb");
    expect(findEntry(index, "current")?.data.rows).toBe(12);
    expect(findEntry(index, "20260101")?.id).toBe("20260101T000000Z-aaaa");
    expect(findEntry(index, "2027")).toBeUndefined();
    expect(index.models.map((m) => m.id)).toEqual(["20260101T000000Z-aaaa", "20260102T000000Z-bbbb"]);
    expect(compactTime("2026-11-24T10:15:30.123Z")).toBe("20261124T101530Z");
  });

  it("E_MODEL_AMBIGUOUS: the start of an id that names several models", () => {
    const index = withEntry(withEntry(emptyRegistry(), entry("20260101T000000Z-aaaa")), entry("20260101T000000Z-bbbb"));
    expect(() => findEntry(index, "20260101")).toThrow(expect.objectContaining({ code: "E_MODEL_AMBIGUOUS" }));
  });

  it("E_REGISTRY_FORMAT: an index that is not one", () => {
    const error = thrown(() => parseRegistry('{"format": "something"}', "registry.json"));
    expect(error.code).toBe("E_REGISTRY_FORMAT");
    expect(error.message).toMatch(/^registry\.json: /);
  });

  it("E_MODEL_NOT_FOUND: compare names a model that is neither a file nor kept (exit 66)", async () => {
    writeFileSync(join(dir, "registry.json"), JSON.stringify(emptyRegistry()));
    const r = await cli(["compare", "nope", "current", "--dir", dir]);
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/E_MODEL_NOT_FOUND.*nope/);
  });
});
