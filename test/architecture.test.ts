/**
 * The layout's rules, checked on the sources themselves: every import points down the stages
 * of the data flow (or stays in its own stage), no import cycle, and no module-level mutable
 * state outside cli/ (the only place that may hold a process's state).
 *
 * The sources are read with the TypeScript parser, not with regular expressions, so an import
 * named in a comment or a string is not an arrow, and a declaration over several lines is seen
 * whole. What the state check cannot see: state kept in a closure made by a call at load time
 * (`const f = memoize(g)`), in static class fields, or written through an alias of a module's
 * object. The checks are tested on small examples at the end.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "src");

/** The stages, lowest first. A module may import its own stage or any stage before it. */
export const STAGES = [
  ["domain", "errors"],
  ["io", "text"],
  ["features", "sampling", "metrics"],
  ["taxonomy"],
  ["ingest"],
  ["models"],
  ["modelfile"],
  ["training"],
  ["predict"],
  ["evaluation", "review"],
  ["report"],
  ["cli"],
];
const level = new Map(STAGES.flatMap((names, i) => names.map((n) => [n, i] as const)));

/** A module's stage: its folder under src/, or its own name for a file at the top (domain.ts). */
const stageOf = (m: string) => m.split("/")[0]!.replace(/\.ts$/, "");

/** The graph's mark for an import whose module is computed (`import(name)`): it cannot be checked, so it never resolves. */
const COMPUTED = "<computed import>";

function parse(module: string, text: string): ts.SourceFile {
  return ts.createSourceFile(module, text, ts.ScriptTarget.Latest, true);
}

function visit(node: ts.Node, f: (n: ts.Node) => void): void {
  f(node);
  ts.forEachChild(node, (child) => visit(child, f));
}

/** `node` without the parentheses, `as`, `satisfies` and `!` around it. */
function bare(node: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) ||
    ts.isNonNullExpression(node)) node = node.expression;
  return node;
}

const isImportMetaUrl = (e: ts.Expression | undefined) =>
  e !== undefined && ts.isPropertyAccessExpression(e) && ts.isMetaProperty(e.expression) &&
    e.expression.keywordToken === ts.SyntaxKind.ImportKeyword && e.name.text === "url";

/**
 * Relative imports of a source, as paths under src/: static imports and re-exports (type-only
 * too), dynamic `import()`, `import("./x.js").T` types, and a worker script named by
 * `new URL("./x.js", import.meta.url)` when it is a module of src/.
 */
export function importsOf(module: string, text: string): string[] {
  const specs: string[] = [];
  const urls: string[] = [];
  visit(parse(module, text), (n) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier)) specs.push(n.moduleSpecifier.text);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) &&
      ts.isStringLiteral(n.moduleReference.expression)) specs.push(n.moduleReference.expression.text);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = n.arguments;
      specs.push(arg && ts.isStringLiteralLike(arg) ? arg.text : COMPUTED);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) specs.push(n.argument.literal.text);
    else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "URL" && n.arguments?.length === 2) {
      const [url, base] = n.arguments;
      if (ts.isStringLiteralLike(url!) && isImportMetaUrl(base)) urls.push(url.text);
    }
  });
  const resolve = (s: string) => posix.normalize(posix.join(posix.dirname(module), s)).replace(/\.js$/, ".ts");
  const inSrc = (m: string) => !m.startsWith("../") && m.endsWith(".ts");
  return [...specs.filter((s) => s === COMPUTED || s.startsWith(".")).map((s) => (s === COMPUTED ? s : resolve(s))),
    ...urls.filter((s) => s.startsWith(".")).map(resolve).filter(inSrc)];
}

/** Arrows from a lower stage to a higher one, as `from -> to`. */
export function upwardImports(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const upward: string[] = [];
  for (const [m, deps] of graph) for (const d of deps) if (level.has(stageOf(d)) &&
    level.get(stageOf(d))! > level.get(stageOf(m))!) upward.push(`${m} -> ${d}`);
  return upward;
}

/** Import cycles, each as `a -> b -> a`. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const walk = (m: string, path: string[]) => {
    if (state.get(m) === "done") return;
    if (state.get(m) === "open") return void cycles.push([...path.slice(path.indexOf(m)), m].join(" -> "));
    state.set(m, "open");
    for (const d of graph.get(m) ?? []) walk(d, [...path, m]);
    state.set(m, "done");
  };
  for (const m of graph.keys()) walk(m, []);
  return cycles;
}

/** Methods that change their receiver: of Map, Set, WeakMap, WeakSet, arrays and typed arrays. */
const MUTATORS = new Set(["set", "add", "delete", "clear", "push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin"]);
/** Functions that change their first argument. */
const MUTATING_CALLS =
  new Set(["Object.assign", "Object.defineProperty", "Object.defineProperties", "Object.setPrototypeOf", "Reflect.set",
    "Reflect.deleteProperty", "Reflect.defineProperty",
  "Atomics.store", "Atomics.add", "Atomics.sub", "Atomics.and", "Atomics.or", "Atomics.xor", "Atomics.exchange", "Atomics.compareExchange"]);
/** Containers that are state unless typed read-only (ReadonlyMap, ReadonlySet). */
const CONTAINERS = new Set(["Map", "Set", "WeakMap", "WeakSet"]);

const isFunctionLike = (n: ts.Node) =>
  ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);

/** A function expression called where it is made: `(() => { ... })()`. */
function isIife(f: ts.Node): boolean {
  let n = f;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  return (ts.isFunctionExpression(f) || ts.isArrowFunction(f)) && ts.isCallExpression(n.parent) && n.parent.expression === n;
}

/** Whether `node` runs while the module loads: not inside a function, unless that function is called where it is made, at load. */
function atLoad(node: ts.Node): boolean {
  for (let n = node.parent; !ts.isSourceFile(n); n = n.parent) {
    if (isFunctionLike(n) && !isIife(n)) return false;
    if (ts.isPropertyDeclaration(n) && !n.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) return false; // set per instance
  }
  return true;
}

const isAssignment = (k: ts.SyntaxKind) => k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;

/** Whether `node` (an `a.b` or `a[b]`) is written: assigned (also as part of a destructuring), incremented or deleted. */
function isWritten(node: ts.Expression): boolean {
  let n: ts.Node = node;
  while (ts.isParenthesizedExpression(n.parent) || ts.isNonNullExpression(n.parent)) n = n.parent;
  const p = n.parent;
  if (ts.isBinaryExpression(p)) return isAssignment(p.operatorToken.kind) && p.left === n;
  if (ts.isPrefixUnaryExpression(p) ||
    ts.isPostfixUnaryExpression(p)) return p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken;
  if (ts.isDeleteExpression(p)) return true;
  if (ts.isForInStatement(p) || ts.isForOfStatement(p)) return p.initializer === n;
  // a target of a destructuring assignment: `[a[0], b.x] = pair`
  for (let q: ts.Node = n; ; q = q.parent) {
    const up = q.parent;
    if (ts.isArrayLiteralExpression(up) || ts.isSpreadElement(up) || ts.isPropertyAssignment(up) ||
      ts.isShorthandPropertyAssignment(up) || ts.isObjectLiteralExpression(up)) continue;
    return ts.isBinaryExpression(up) && up.operatorToken.kind === ts.SyntaxKind.EqualsToken && up.left === q && q !== n;
  }
}

/** How `id` (a use of a variable, in a function) changes what it holds, if it does: `wider.set(...)`, `table[i] = ...`. */
function changeAt(id: ts.Identifier, lastIndexed: boolean): string | undefined {
  let top: ts.Expression = id;
  while ((ts.isPropertyAccessExpression(top.parent) || ts.isElementAccessExpression(top.parent)) && top.parent.expression === top) top = top.parent;
  const text = top.getText().replace(/\s+/g, " ");
  if (top !== id && isWritten(top)) return `${text} written after load`;
  const call = top.parent;
  if (ts.isPropertyAccessExpression(top) && ts.isCallExpression(call) && call.expression === top) {
    if (MUTATORS.has(top.name.text)) return `${text}() called after load`;
    if (lastIndexed && top.expression === id &&
      (top.name.text === "exec" || top.name.text === "test")) return `${text}() called after load: a global or sticky pattern keeps its lastIndex`;
  }
  if (ts.isCallExpression(id.parent) && id.parent.arguments[0] === id &&
    MUTATING_CALLS.has(id.parent.expression.getText())) return `${id.parent.expression.getText()}(${id.text}) called after load`;
  return undefined;
}

/** A regular expression that keeps a position between calls: global or sticky. */
function keepsPosition(init: ts.Expression | undefined): boolean {
  if (init === undefined) return false;
  const e = bare(init);
  if (ts.isRegularExpressionLiteral(e)) return /[gy][a-z]*$/.test(e.text.slice(e.text.lastIndexOf("/") + 1));
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === "RegExp") {
    const flags = e.arguments?.[1];
    return flags !== undefined && ts.isStringLiteralLike(flags) && /[gy]/.test(flags.text);
  }
  return false;
}

/** Typed `ReadonlyMap`, `ReadonlySet`, `Readonly<...>`, `ReadonlyArray` or `readonly T[]`. */
const isReadonlyType = (t: ts.TypeNode | undefined) =>
  t !== undefined &&
    ((ts.isTypeReferenceNode(t) && /^Readonly/.test(t.typeName.getText())) || (ts.isTypeOperatorNode(t) && t.operator === ts.SyntaxKind.ReadonlyKeyword));

/** A value made at load that is state unless its type says it is read-only: a Map or Set, or an empty array or object (filled later). */
function isContainer(init: ts.Expression | undefined, type: ts.TypeNode | undefined): boolean {
  if (init === undefined || isReadonlyType(type)) return false;
  let e = init;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e)) {
    if (ts.isAsExpression(e) && isReadonlyType(e.type)) return false;
    e = e.expression;
  }
  if (ts.isNewExpression(e)) return ts.isIdentifier(e.expression) && CONTAINERS.has(e.expression.text);
  return (ts.isArrayLiteralExpression(e) && e.elements.length === 0) || (ts.isObjectLiteralExpression(e) && e.properties.length === 0);
}

/** What `isContainer` found: `a Map made at load, not typed read-only`. */
function containerMade(init: ts.Expression): string {
  const e = bare(init);
  if (!ts.isNewExpression(e)) return `an empty ${ts.isArrayLiteralExpression(e) ? "array" : "object"} made at load`;
  const name = e.expression.getText();
  return `a ${name} made at load${name.startsWith("Weak") ? "" : ", not typed read-only"}`;
}

/** The variables a declaration makes: `a`, or `p` and `r` of `{ p, q: [r] }`. */
function bindingNames(name: ts.BindingName): ts.Identifier[] {
  return ts.isIdentifier(name) ? [name] : name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

/** A program of the given sources alone, for its binder: which declaration each name refers to. */
function bind(sources: readonly ts.SourceFile[]): ts.TypeChecker {
  const byName = new Map(sources.map((s) => [s.fileName, s]));
  const host: ts.CompilerHost = {
    getSourceFile: (name) => byName.get(name),
    getDefaultLibFileName: () => "lib.d.ts",
    writeFile: () => {},
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (name) => byName.has(name),
    readFile: () => undefined,
  };
  return ts.createProgram({ rootNames: [...byName.keys()], options: { noLib: true, noResolve: true, types: [] }, host }).getTypeChecker();
}

/**
 * Module-level state a caller cannot see, in each of `texts` (sources by module), as
 * `module:line: name (why)`:
 * - a `let` or `var` at the top of the module, or one made at load (in a function called where
 *   it is made) that a function uses later;
 * - a Map, Set, WeakMap or WeakSet, or an empty array or object, made at the top and not typed
 *   read-only (a ReadonlyMap or ReadonlySet is a table, not state); `export default` too;
 * - anything made at load that a function changes later: `wider.set(...)`, `table[i] = ...`,
 *   `ROW.exec(...)` on a global or sticky regular expression (its lastIndex). Filling a table at
 *   load, by statements at the top of the module (a loop, not a callback), is not state.
 */
export function moduleState(texts: ReadonlyMap<string, string>): string[] {
  const sources = [...texts].map(([module, text]) => parse(`/${module}`, text));
  const checker = bind(sources);
  return sources.flatMap((source) => stateIn(source, checker).map((finding) => `${source.fileName.slice(1)}:${finding}`));
}

function stateIn(source: ts.SourceFile, checker: ts.TypeChecker): string[] {
  const symbolOf = (n: ts.Node) => {
    const s = checker.getSymbolAtLocation(n);
    return s && checker.getExportSymbolOfSymbol(s);
  };
  const found: { at: number; what: string }[] = [];
  const note = (node: ts.Node, name: string, why: string) => found.push({ at: node.getStart(), what: `${name} (${why})` });
  // every variable made at load, by its symbol
  const made = new Map<ts.Symbol, { name: string; decl: ts.VariableDeclaration; mutable: boolean; top: boolean }>();
  const reported = new Set<ts.Symbol>();
  visit(source, (n) => {
    if (ts.isExportAssignment(n) && !n.isExportEquals && isContainer(n.expression, undefined)) note(n, "export default", containerMade(n.expression));
    if (!ts.isVariableStatement(n) || !atLoad(n)) return;
    const mutable = !(n.declarationList.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing));
    const top = ts.isSourceFile(n.parent);
    for (const decl of n.declarationList.declarations) {
      for (const id of bindingNames(decl.name)) {
        const s = symbolOf(id);
        if (s) made.set(s, { name: id.text, decl, mutable, top });
        if (top && mutable) note(id, id.text, `a module-level ${n.declarationList.flags & ts.NodeFlags.Let ? "let" : "var"}`);
        else if (top && isContainer(decl.initializer, decl.type)) note(id, id.text, containerMade(decl.initializer!));
        else continue;
        if (s) reported.add(s);
      }
    }
  });
  // uses of those variables after load
  const names = new Set([...made.values()].map((v) => v.name));
  visit(source, (n) => {
    if (!ts.isIdentifier(n) || !names.has(n.text) || atLoad(n)) return;
    const s = symbolOf(n);
    const v = s && made.get(s);
    if (!v || reported.has(s)) return;
    if (v.mutable) {
      // a module-level let is reported already: this one was made in a function called at load
      reported.add(s);
      return note(v.decl, n.text, "a variable made at load and kept by a function");
    }
    const change = changeAt(n, keepsPosition(v.decl.initializer));
    if (change === undefined) return;
    reported.add(s);
    note(v.decl, n.text, change);
  });
  const lineOf = (at: number) => source.getLineAndCharacterOfPosition(at).line + 1;
  return found.sort((a, b) => a.at - b.at).map((f) => `${lineOf(f.at)}: ${f.what}`);
}

const walkDir = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walkDir(join(dir, f)) : f.endsWith(".ts") ? [join(dir, f)] : []));
const modules = walkDir(SRC).map((f) => relative(SRC, f).split("\\").join("/"));
const sourceOf = (m: string) => readFileSync(join(SRC, m), "utf8");
const graph = new Map(modules.map((m) => [m, importsOf(m, sourceOf(m))]));

describe("the layout of src/", () => {
  it("knows every folder's stage", () => {
    expect(modules.map(stageOf).filter((s) => !level.has(s))).toEqual([]);
  });

  it("has no import from a lower stage to a higher one", () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it("has no import cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("keeps mutable module state in cli/ only", () => {
    expect(moduleState(new Map(modules.filter((m) => stageOf(m) !== "cli").map((m) => [m, sourceOf(m)])))).toEqual([]);
  });

  it("resolves every import to a module that exists", () => {
    const missing = [...graph].flatMap(([m, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${m} -> ${d}`));
    expect(missing).toEqual([]);
  });
});

/** The longest line a source of src/ may have, in characters. */
const MAX_LINE = 160;
describe("the sources' lines", () => {
  it(`are at most ${MAX_LINE} characters long`, () => {
    const long = modules
      .flatMap((m) =>
        readFileSync(join(SRC, m), "utf8")
          .split("\n")
          .flatMap((line, i) => ([...line].length > MAX_LINE ? [`${m}:${i + 1} (${[...line].length} characters)`] : [])),
      );
    expect(long).toEqual([]);
  });
});

describe("the checks themselves", () => {
  it("find imports of every form, and not the words of a comment or a string", () => {
    const text = [
      `import { a } from "../io/csv.js";`,
      `import type { B } from "./b.js";`,
      `import "./side.js";`,
      `const m = await import("../text/x.js");`,
      `export { c } from "../models/c.js";`,
      `export * from "./all.js";`,
      `type T = import("../domain.js").Category;`,
      `import { readFileSync } from "node:fs";`,
      `const worker = new URL("./worker.js", import.meta.url);`,
      `const built = new URL("../../dist/src/ingest/w.js", import.meta.url);`,
      `// moved from "./old.js"`,
      `const say = 'import x from "./nothing.js"';`,
      `const f = (name: string) => import(name);`,
    ].join("\n");
    expect(importsOf("ingest/x.ts", text))
      .toEqual(["io/csv.ts", "ingest/b.ts", "ingest/side.ts", "text/x.ts", "models/c.ts", "ingest/all.ts", "domain.ts", COMPUTED, "ingest/worker.ts"]);
  });

  it("find an arrow to a higher stage, and let arrows to the same or a lower stage be", () => {
    const g = new Map([
      ["io/a.ts", ["text/b.ts", "errors.ts"]],
      ["text/b.ts", ["io/a.ts"]],
      ["models/m.ts", ["cli/main.ts", "ingest/i.ts"]],
      ["cli/main.ts", ["models/m.ts", "report/r.ts"]],
    ]);
    expect(upwardImports(g)).toEqual(["models/m.ts -> cli/main.ts"]);
  });

  it("find every import cycle, and not a shared import", () => {
    const g = new Map([
      ["a.ts", ["b.ts", "d.ts"]],
      ["b.ts", ["c.ts", "d.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", []],
      ["e.ts", ["e.ts"]],
    ]);
    expect(importCycles(g)).toEqual(["a.ts -> b.ts -> c.ts -> a.ts", "e.ts -> e.ts"]);
  });

  it("find module-level state, and leave constants, tables filled at load and locals alone", () => {
    const text = [
      "let last = 0;", // 1
      "export let n = 1, m = 2;",
      "var old;",
      "const memo = new WeakMap<object, number>();",
      "const seen = new Set();", // 5
      "const list = [];",
      "const bag: Record<string, number> = {};",
      "const wide: Map<string, number> = new Map();",
      "const TABLE: ReadonlyMap<string, string> = new Map([[\"a\", \"b\"]]);",
      "const NAMES: ReadonlySet<string> = new Set([\"a\"]);", // 10
      "const KINDS = new Map([[1, 2]]) as ReadonlyMap<number, number>;",
      "const EMPTY: readonly string[] = [];",
      "const RULE = { min: 0 };",
      "const LIST = [\"a\"];",
      "const ascii = new Uint8Array(128);", // 15
      "for (let c = 0; c < 128; c++) ascii[c] = c;",
      "const scratch = new Int32Array(256);",
      "const counts = { hits: 0 };",
      "const ROWS = /x/g;",
      "const WORDS = /w/gu;", // 20
      "const ONE = /o/;",
      "const cache = new Map<string, number>() as Map<string, number>;",
      "const next = (() => {",
      "  let k = 0;",
      "  return () => k++;", // 25
      "})();",
      "const FILLED = (() => {",
      "  let i = 0;",
      "  const t = new Uint8Array(4);",
      "  while (i < 4) t[i] = i++;", // 30
      "  return t;",
      "})();",
      "function f(text: string) {",
      "  let x = 0;",
      "  const seen = new Set<string>();", // 35
      "  seen.add(text);",
      "  scratch.fill(0);",
      "  counts.hits++;",
      "  ROWS.exec(text);",
      "  ONE.exec(text);", // 40
      "  text.match(WORDS);",
      "  [ascii[0]] = [x];",
      "  return ascii[1]! + TABLE.size + NAMES.size + KINDS.size + EMPTY.length + RULE.min + LIST.length + FILLED[0]!;",
      "}",
      "class C {", // 45
      "  private cells = new Map<string, number>();",
      "  put() { this.cells.set(\"a\", 1); }",
      "}",
      "function g(cache: Map<string, number>) {",
      "  cache.set(\"k\", 1);", // 50
      "}",
      "export default new Map();",
      "let { p, q: [r] } = { p: 1, q: [2] };",
      "const opts = { a: 1 };",
      "export const reset = () => Object.assign(opts, { a: 0 });",
    ].join("\n");
    expect(moduleState(new Map([["m.ts", text]]))).toEqual([
      "1: last (a module-level let)",
      "2: n (a module-level let)",
      "2: m (a module-level let)",
      "3: old (a module-level var)",
      "4: memo (a WeakMap made at load)",
      "5: seen (a Set made at load, not typed read-only)",
      "6: list (an empty array made at load)",
      "7: bag (an empty object made at load)",
      "8: wide (a Map made at load, not typed read-only)",
      "15: ascii (ascii[0] written after load)",
      "17: scratch (scratch.fill() called after load)",
      "18: counts (counts.hits written after load)",
      "19: ROWS (ROWS.exec() called after load: a global or sticky pattern keeps its lastIndex)",
      "22: cache (a Map made at load, not typed read-only)",
      "24: k (a variable made at load and kept by a function)",
      "52: export default (a Map made at load, not typed read-only)",
      "53: p (a module-level let)",
      "53: r (a module-level let)",
      "54: opts (Object.assign(opts) called after load)",
    ].map((finding) => `m.ts:${finding}`));
  });
});
