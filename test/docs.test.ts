/**
 * The README and the pages in docs/ link to each other and to files of the project. A page that
 * moves or a heading that is renamed breaks those links without a word, so every relative link is
 * followed here: its file must exist, and its anchor must be a heading of that file, spelt as
 * GitHub spells heading anchors.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PAGES = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The text outside fenced code blocks, line for line (a fenced line becomes empty, so line numbers stay). */
function outsideFences(text: string): string[] {
  let fenced = false;
  return text.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line;
  });
}

/** GitHub's anchor for a heading: its text, lower case, without punctuation, spaces as hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "").replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings, a repeated one numbered -1, -2 as GitHub does. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of outsideFences(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  line: number;
  target: string;
}

/** Inline links and images outside code, with their 1-based line; links with a scheme (https:, mailto:) are left out. */
function relativeLinks(text: string): Link[] {
  const links: Link[] = [];
  outsideFences(text).forEach((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, "");
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line: i + 1, target });
    }
  });
  return links;
}

/** Every broken relative link of a page, as `page:line: target (why)`. */
function brokenLinks(page: string): string[] {
  const text = readFileSync(join(ROOT, page), "utf8");
  const broken: string[] = [];
  for (const { line, target } of relativeLinks(text)) {
    const hash = target.indexOf("#");
    const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const file = path === "" ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), path);
    const where = `${page}:${line}: ${target}`;
    if (relative(ROOT, file).startsWith("..")) broken.push(`${where} (outside the project)`);
    else if (!existsSync(file)) broken.push(`${where} (no such file)`);
    else if (anchor !== undefined) {
      if (!statSync(file).isFile() || !file.endsWith(".md")) broken.push(`${where} (an anchor into a file that is not Markdown)`);
      else if (!anchors(readFileSync(file, "utf8")).has(anchor)) broken.push(`${where} (no such heading)`);
    }
  }
  return broken;
}

describe("the link checker itself", () => {
  it("spells heading anchors as GitHub does", () => {
    expect(slug("`safetag ingest <file>`")).toBe("safetag-ingest-file");
    expect(slug('"Not safety research"')).toBe("not-safety-research");
    expect(slug("How good is it, and how sure are we")).toBe("how-good-is-it-and-how-sure-are-we");
    expect(slug("2026-12-01: the two-stage model")).toBe("2026-12-01-the-two-stage-model");
    expect(slug("`report.html`")).toBe("reporthtml");
    expect(slug("[Links](x.md) and `needs_review`")).toBe("links-and-needs_review");
  });

  it("numbers repeated headings and skips headings in code", () => {
    const text = "# A\n## Same\n```sh\n# not a heading\n```\n## Same\n";
    expect([...anchors(text)]).toEqual(["a", "same", "same-1"]);
  });

  it("finds relative links, not those in code or with a scheme", () => {
    const text = [
      "See [one](docs/a.md#x) and ![img](b.png).",
      "Not `[code](c.md)`, not [web](https://example.com), not [mail](mailto:a@b.c).",
      "```",
      "[fenced](d.md)",
      "```",
      "[same page](#top)",
    ].join("\n");
    expect(relativeLinks(text)).toEqual([
      { line: 1, target: "docs/a.md#x" },
      { line: 1, target: "b.png" },
      { line: 6, target: "#top" },
    ]);
  });
});

describe("the README and docs/", () => {
  it("has pages to check, and links in them", () => {
    expect(PAGES).toContain("README.md");
    expect(PAGES).toContain("docs/labeling-guide.md");
    // Far fewer would mean the link finder stopped finding links, and the next test would pass on nothing.
    expect(PAGES.flatMap((p) => relativeLinks(readFileSync(join(ROOT, p), "utf8"))).length).toBeGreaterThan(50);
  });

  it.each(PAGES)("%s: every relative link leads to a file and heading that exist", (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it("links every page of docs/ from the README", () => {
    const linked = new Set(relativeLinks(readFileSync(join(ROOT, "README.md"), "utf8")).map((l) => l.target.split("#")[0]));
    expect(PAGES.filter((p) => p !== "README.md" && !linked.has(p))).toEqual([]);
  });

  it("keeps the README's two quick-start commands", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf("\n## Quick start\n");
    expect(start).toBeGreaterThan(0);
    const quickStart = readme.slice(start, readme.indexOf("\n## ", start + 1));
    expect(quickStart).toMatch(/^npm ci && npm start(\s|$)/m);
    expect(quickStart).toMatch(/^npm ci && npm test(\s|$)/m);
  });
});
