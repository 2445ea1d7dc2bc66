/**
 * Common LaTeX in scraped titles and abstracts (`$\leftrightarrow$`, `\emph{x}`, `$\alpha$`,
 * `\%`, `$x^2$`) as the text a reader expects (↔, x, α, %, x²). For display only: the pages and
 * reports call it on what they show; the model, the CSV cells and the review files keep the text
 * as written, so predictions do not depend on it.
 *
 * Table-driven and deliberately small: what it does not know stays as written (`\cite{x}` stays
 * `\cite{x}`), so nothing is lost. Math is `$…$` or `\(…\)`; a `$` opens math only as pandoc
 * decides (a non-space right after the opening `$`, a non-space right before the closing one,
 * and no digit right after it), so "costs $5 and $10" is left alone.
 */

/** Commands that stand for a symbol, in text and in math. */
const SYMBOLS: Readonly<Record<string, string>> = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ", eta: "η", theta: "θ", vartheta: "ϑ",
  iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", varpi: "ϖ", rho: "ρ", varrho: "ϱ", sigma: "σ",
  varsigma: "ς", tau: "τ", upsilon: "υ", phi: "ϕ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω",
  Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ", Pi: "Π", Sigma: "Σ", Upsilon: "Υ", Phi: "Φ", Psi: "Ψ", Omega: "Ω",
  leftrightarrow: "↔", rightarrow: "→", to: "→", leftarrow: "←", gets: "←", Rightarrow: "⇒", Leftarrow: "⇐", Leftrightarrow: "⇔",
  implies: "⇒", iff: "⇔", longrightarrow: "⟶", mapsto: "↦", uparrow: "↑", downarrow: "↓", updownarrow: "↕",
  leq: "≤", le: "≤", geq: "≥", ge: "≥", neq: "≠", ne: "≠", approx: "≈", sim: "~", simeq: "≃", cong: "≅", equiv: "≡",
  propto: "∝", lesssim: "≲", gtrsim: "≳", ll: "≪", gg: "≫", in: "∈", notin: "∉", ni: "∋", subset: "⊂", subseteq: "⊆", supset: "⊃", supseteq: "⊇",
  times: "×", cdot: "·", pm: "±", mp: "∓", div: "÷", ast: "∗", star: "⋆", circ: "∘", bullet: "•", oplus: "⊕", otimes: "⊗", odot: "⊙",
  infty: "∞", partial: "∂", nabla: "∇", sum: "∑", prod: "∏", int: "∫", forall: "∀", exists: "∃", neg: "¬", lnot: "¬",
  land: "∧", wedge: "∧", lor: "∨", vee: "∨", cap: "∩", cup: "∪", emptyset: "∅", varnothing: "∅", setminus: "∖",
  ell: "ℓ", hbar: "ℏ", prime: "′", top: "⊤", bot: "⊥", dagger: "†", perp: "⊥", mid: "∣", parallel: "∥", angle: "∠",
  ldots: "…", dots: "…", cdots: "⋯", textellipsis: "…", langle: "⟨", rangle: "⟩", lfloor: "⌊", rfloor: "⌋", lceil: "⌈", rceil: "⌉",
  textendash: "–", textemdash: "—", textbar: "|", textbackslash: "\\", copyright: "©", textregistered: "®",
  texttrademark: "™", textdegree: "°", degree: "°", LaTeX: "LaTeX", TeX: "TeX",
  quad: " ", qquad: " ", ",": " ", ";": " ", ":": " ", " ": " ", "!": "", "\\": " ",
  "%": "%", "&": "&", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}", "|": "‖", lbrace: "{", rbrace: "}", i: "i", j: "j",
};

/** Function names that LaTeX sets upright (`\log n` reads "log n"). */
const FUNCTIONS: ReadonlySet<string> =
  new Set(["log", "ln", "exp", "min", "max", "sup", "inf", "arg", "argmin", "argmax", "lim", "sin", "cos", "tan", "det", "dim", "ker", "Pr", "deg", "gcd"]);

/** Commands whose one argument is shown as it is (emphasis, fonts, boxes). */
const STYLES: ReadonlySet<string> = new Set([
  "emph", "textit", "textbf", "textsl", "texttt", "textsc", "textsf", "textrm", "textup", "textnormal", "underline", "mbox", "text",
  "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathcal", "mathscr", "mathfrak", "boldsymbol", "bm", "operatorname", "hat",
  "bar", "tilde", "vec", "widehat", "widetilde", "overline", "url", "textsuperscript", "textsubscript",
]);

/** Commands that only size or space things: dropped, their argument-less effect has no text. */
const DROPPED: ReadonlySet<string> = new Set([
  "em", "bf", "it", "rm", "sf", "sl", "sc", "tt", "sffamily", "rmfamily", "ttfamily", "bfseries", "itshape", "scshape", "upshape", "mdseries", "normalfont",
  "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle", "textstyle", "limits",
    "nolimits", "xspace", "noindent", "centering"]);

const DOUBLE_STRUCK: Readonly<Record<string, string>> = { R: "ℝ", N: "ℕ", Z: "ℤ", Q: "ℚ", C: "ℂ", E: "𝔼", P: "ℙ" };

const SUPERSCRIPT: Readonly<Record<string, string>> = {
  "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
  "+": "⁺", "-": "⁻", "−": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", "∗": "*", "*": "*", "′": "′", "⊤": "ᵀ", "†": "†",
  a: "ᵃ", b: "ᵇ", c: "ᶜ", d: "ᵈ", e: "ᵉ", f: "ᶠ", g: "ᵍ", h: "ʰ", i: "ⁱ", j: "ʲ", k: "ᵏ", l: "ˡ", m: "ᵐ", n: "ⁿ", o: "ᵒ",
  p: "ᵖ", r: "ʳ", s: "ˢ", t: "ᵗ", u: "ᵘ", v: "ᵛ", w: "ʷ", x: "ˣ", y: "ʸ", z: "ᶻ", T: "ᵀ",
};

const SUBSCRIPT: Readonly<Record<string, string>> = {
  "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉",
  "+": "₊", "-": "₋", "−": "₋", "=": "₌", "(": "₍", ")": "₎", a: "ₐ", e: "ₑ", h: "ₕ", i: "ᵢ", j: "ⱼ", k: "ₖ", l: "ₗ", m: "ₘ",
  n: "ₙ", o: "ₒ", p: "ₚ", r: "ᵣ", s: "ₛ", t: "ₜ", u: "ᵤ", v: "ᵥ", x: "ₓ",
};

/** Accent commands (`\'e`, `\"{o}`) as Unicode combining marks; NFC then makes é, ö. */
const ACCENTS: Readonly<Record<string,
  string>> =
    { "'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
      u: "\u0306", v: "\u030c", H: "\u030b", c: "\u0327", k: "\u0328", d: "\u0323" };

/** Old-style font switches inside a group: `{\em x}`, `{\bf x}` show as x. The opening, when `at` starts one. */
function switchGroup(s: string, at: number, stop: number): RegExpExecArray | null {
  const opening = /\{\\(?:em|bf|it|sl|sc|tt|rm|sf|sffamily|rmfamily|ttfamily|bfseries|itshape|scshape|small|large|Large)(?![A-Za-z])\s*/y;
  opening.lastIndex = at;
  const found = opening.exec(s);
  return found && at + found[0].length <= stop ? found : null;
}

/** LaTeX markup in `text` shown as plain Unicode text; text without `\`, `$` or two backquotes comes back unchanged. */
export function latexToText(text: string): string {
  if (!/[\\$]|``/.test(text)) return text;
  return new Reader(text).run(false, text.length).normalize("NFC");
}

/** One pass over one string; `stop` bounds the part being read (a `{…}` group or a `$…$`). */
class Reader {
  private i = 0;
  private stop = 0;
  constructor(private readonly s: string) {}

  run(math: boolean, stop: number): string {
    const outer = this.stop;
    this.stop = stop;
    const s = this.s;
    let out = "";
    while (this.i < stop) {
      const c = s[this.i] as string;
      const group = !math && c === "{" ? switchGroup(s, this.i, stop) : null;
      if (c === "\\") out = this.command(out, math);
      else if (!math && c === "$") out += this.dollarMath();
      else if (group) {
        const close = matchingBrace(s, this.i, stop);
        if (close === -1) {
          out += c;
          this.i++;
        } else {
          this.i += group[0].length;
          out += this.run(false, close);
          this.i = close + 1;
        }
      } else if (!math && s.startsWith("``", this.i)) {
        out += "“";
        this.i += 2;
      } else if (!math && s.startsWith("''", this.i) && out.includes("“")) {
        out += "”";
        this.i += 2;
      } else if (math && (c === "^" || c === "_")) out += this.script(c === "^" ? SUPERSCRIPT : SUBSCRIPT, c);
      else if (math && (c === "{" || c === "}")) this.i++;
      else {
        out += math && c === "~" ? " " : c;
        this.i++;
      }
    }
    this.stop = outer;
    return out;
  }

  /** `$…$` (or `$$…$$`) as math when pandoc would read it so; otherwise the `$` as written. */
  private dollarMath(): string {
    const s = this.s;
    const fence = s.startsWith("$$", this.i) ? "$$" : "$";
    const from = this.i + fence.length;
    const close = fence === "$$" ? s.indexOf("$$", from) : this.closingDollar(from);
    if (close === -1 || close >= this.stop || close === from) {
      this.i += fence.length;
      return fence;
    }
    this.i = from;
    const inner = this.run(true, close);
    this.i = close + fence.length;
    return inner;
  }

  /**
   * The `$` closing the one before `from`, or -1 when the pair is not math. Pandoc's rule (no
   * space inside either `$`, no digit right after the closing one: "$5 and $10" is money) is
   * relaxed for content that can only be math: a command, `^` or `_`, unless it starts with a
   * digit ("$ O(\sqrt{n}) $" and "$\sim$10%" are math, "$5 for \emph{x} and $10" is money).
   */
  private closingDollar(from: number): number {
    const s = this.s;
    let j = from;
    while (j < this.stop && s[j] !== "$") j += s[j] === "\\" ? 2 : 1;
    if (j >= this.stop || j === from) return -1;
    const content = s.slice(from, j);
    const tight = !/^\s|\s$/.test(content) && !/[0-9]/.test(s[j + 1] ?? "");
    // Money first: "$5 for \emph{x} and $10" stays as written.
    const onlyMath = /\\[A-Za-z]|[\^_]/.test(content) && !/^\s*[0-9]/.test(content);
    return tight || onlyMath ? j : -1;
  }

  private command(out: string, math: boolean): string {
    const s = this.s;
    const start = this.i;
    const letters = /[A-Za-z]+/y;
    letters.lastIndex = start + 1;
    const word = letters.exec(s)?.[0];
    const name = word !== undefined && start + 1 + word.length <= this.stop ? word : start + 1 < this.stop ? (s[start + 1] as string) : "";
    this.i = start + 1 + name.length;
    if (name === "") return `${out}\\`;
    if (!math && name === "(") {
      const close = s.indexOf("\\)", this.i);
      if (close !== -1 && close < this.stop) {
        const inner = this.run(true, close);
        this.i = close + 2;
        return out + inner;
      }
    }
    if (Object.hasOwn(ACCENTS, name)) {
      const base = this.argument(math);
      if (base !== undefined) return `${out}${base}${ACCENTS[name]}`;
    }
    if (STYLES.has(name)) {
      const arg = this.argument(math);
      if (arg !== undefined) return out + arg;
    }
    if (name === "href" || name === "textcolor") {
      // \href{url}{text}, \textcolor{colour}{text}: the text
      const first = this.argument(math);
      const label = first === undefined ? undefined : this.argument(math);
      if (label !== undefined) return out + label;
    }
    if (name === "mathbb") {
      const arg = this.argument(math);
      if (arg !== undefined) return out + [...arg].map((ch) => DOUBLE_STRUCK[ch] ?? ch).join("");
    }
    if (name === "frac" || name === "tfrac" || name === "dfrac") {
      const top = this.argument(math);
      const bottom = top === undefined ? undefined : this.argument(math);
      if (top !== undefined && bottom !== undefined) return `${out}${grouped(top)}/${grouped(bottom)}`;
    }
    if (name === "sqrt") {
      const arg = this.argument(math);
      if (arg !== undefined) return `${out}√${grouped(arg)}`;
    }
    if (DROPPED.has(name)) {
      while (this.i < this.stop && /\s/.test(s[this.i] as string)) this.i++;
      return out;
    }
    if (FUNCTIONS.has(name)) return `${out}${/[\p{L}\p{N}]$/u.test(out) ? " " : ""}${name}`;
    const symbol = Object.hasOwn(SYMBOLS, name) ? SYMBOLS[name] : undefined;
    if (symbol !== undefined) {
      // `\ldots{}`: the empty group only ends the command name.
      if (/^[A-Za-z]/.test(name) && s.startsWith("{}", this.i) && this.i + 2 <= this.stop) this.i += 2;
      return out + symbol;
    }
    // Unknown: keep it as written.
    return out + s.slice(start, this.i);
  }

  /** The `{…}` argument after a command (or one character or command, as in TeX), converted; undefined when there is none. */
  private argument(math: boolean): string | undefined {
    const s = this.s;
    let j = this.i;
    while (j < this.stop && /\s/.test(s[j] as string)) j++;
    if (j >= this.stop || s[j] === "}") return undefined;
    if (s[j] !== "{") {
      this.i = j;
      if (s[j] === "\\") return this.command("", math);
      this.i = j + 1;
      return s[j];
    }
    const close = matchingBrace(s, j, this.stop);
    if (close === -1) return undefined;
    this.i = j + 1;
    const inner = this.run(math, close);
    this.i = close + 1;
    return inner;
  }

  /** `^2`, `^{-3}`, `_i`, `_{max}`: Unicode super/subscripts when every character has one, else `^(…)`. */
  private script(table: Record<string, string>, mark: string): string {
    this.i++;
    const arg = this.argument(true) ?? "";
    const mapped = [...arg].map((ch) => (Object.hasOwn(table, ch) ? table[ch] : undefined));
    if (arg !== "" && mapped.every((m) => m !== undefined)) return mapped.join("");
    return `${mark}${grouped(arg)}`;
  }
}

/** A multi-character operand in parentheses, so a/b and (a+b)/c stay unambiguous. */
function grouped(x: string): string {
  return [...x].length <= 1 || /^[\p{L}\p{N}.]+$/u.test(x) ? x : `(${x})`;
}

/** The `}` closing the `{` at `open`, before `stop`; -1 when there is none. */
function matchingBrace(s: string, open: number, stop: number): number {
  let depth = 0;
  for (let j = open; j < stop; j++) {
    if (s[j] === "\\") j++;
    else if (s[j] === "{") depth++;
    else if (s[j] === "}" && --depth === 0) return j;
  }
  return -1;
}
