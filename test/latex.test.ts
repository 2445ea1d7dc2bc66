import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { latexToText } from "../src/text/latex.js";

/** [as scraped, as shown]: each worked out by hand from what LaTeX would print. */
const EXAMPLES: [string, string][] = [
  // the issue's own examples
  ["safety $\\leftrightarrow$ capability", "safety ↔ capability"],
  ["we \\emph{never} train on it", "we never train on it"],
  ["\\textit{Align With Purpose} and \\textbf{bold}", "Align With Purpose and bold"],
  ["an $\\alpha$-divergence", "an α-divergence"],
  ["$\\Omega(\\sqrt{T})$ and $\\lambda \\to 0$", "Ω(√T) and λ → 0"],
  ["50\\% of the prompts", "50% of the prompts"],
  ["$x^2$", "x²"],
  // super- and subscripts: Unicode when every character has one, else ^(…) / _…
  ["a rate of $10^{-3}$", "a rate of 10⁻³"],
  ["$O(n^2)$ time", "O(n²) time"],
  ["$\\mathbb{R}^d$", "ℝᵈ"],
  ["$x_i$ and $\\ell_2$", "xᵢ and ℓ₂"],
  ["$\\pi_\\theta$", "π_θ"],
  ["$W^{\\top}x$", "Wᵀx"],
  ["$O(d^{L-\\frac{1}{2}})$", "O(d^(L-1/2))"],
  // fractions, roots, fonts, functions, sizes
  ["$\\frac{1}{2}$ and $\\frac{a+b}{c}$", "1/2 and (a+b)/c"],
  ["$\\mathcal{O}(n\\log n)$", "O(n log n)"],
  ["$\\tilde\nO(\\sqrt{T})$", "O(√T)"],
  ["$\\left( x \\right)$", "( x )"],
  ["$\\epsilon = 0.1$", "ε = 0.1"],
  ["$\\|H\\|_F \\leq 1$", "‖H‖_F ≤ 1"],
  ["between $40$-$50\\%$ of tokens", "between 40-50% of tokens"],
  ["$\\sim$10\\% fewer", "~10% fewer"],
  ["\\(a \\to b\\)", "a → b"],
  ["$$E=mc^2$$", "E=mc²"],
  // text mode
  ["{\\em emphasised} and {\\bf bold}", "emphasised and bold"],
  ["\\textbf{\\emph{nested}}", "nested"],
  ["caf\\'e, na\\\"{\\i}ve, \\c{c}a", "café, naïve, ça"],
  ["``quoted'' text", "“quoted” text"],
  ["more \\ldots{} and \\$5", "more … and $5"],
  ["code at \\url{https://x.org/a_b}", "code at https://x.org/a_b"],
  ["see \\href{https://x.org}{our site}", "see our site"],
  ["{\\sffamily M-SafeUCB}", "M-SafeUCB"],
  // money stays money even with markup between the two amounts
  ["$5 for \\textbf{x} and $10", "$5 for x and $10"],
];

/** Left as written: money, lone dollars, commands it does not know, broken markup. */
const UNCHANGED = [
  "costs $5 and $10",
  "from $5-$10 a month",
  "$ 5$ is not math",
  "one $ sign",
  "as shown in \\cite{smith2020}",
  "our \\ours method",
  "\\emph{unclosed",
  "trailing backslash \\",
  "\\constructor and \\toString are not commands we know",
  "it's 'single' quotes and ~10% and GPT-4 {LLM}s",
];

describe("latexToText", () => {
  // Plain loops, not it.each: its test names would read "$5" as a placeholder.
  for (const [input, shown] of EXAMPLES) {
    it(`shows ${JSON.stringify(input)} as ${JSON.stringify(shown)}`, () => {
      expect(latexToText(input)).toBe(shown);
    });
  }

  for (const input of UNCHANGED) {
    it(`leaves ${JSON.stringify(input)} as written`, () => {
      expect(latexToText(input)).toBe(input);
    });
  }

  it("returns text without \\, $ or `` unchanged (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }).filter((s) => !/[\\$]|``/.test(s)),
        (s) => {
          expect(latexToText(s)).toBe(s);
        },
      ),
    );
  });

  it("always ends, and never loses the text of an unknown command (property)", () => {
    const piece = fc.constantFrom("\\", "$", "{", "}", "^", "_", "\\emph", "\\frac", "\\alpha", "\\'", "{\\em ", " ", "x", "1", "\\(", "\\)", "$$", "``", "''");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const input = `${pieces.join("")} \\zzcommand{kept}`;
        expect(latexToText(input)).toContain("\\zzcommand");
      }),
    );
  });
});
