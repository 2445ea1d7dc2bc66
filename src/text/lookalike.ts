/**
 * Labels that look alike. Category names are typed into spreadsheets and copied from web pages, so
 * one category arrives spelt in ways a person cannot tell apart on screen: with a zero-width space
 * (`Un\u200Blearning`), with a Cyrillic letter for a Latin one (`Rоbustness`, U+043E), in a
 * full-width or other compatibility form (NFKC differences). `lookalikeForm` maps all of these to
 * one form, so they are compared as the one category they are meant to be; `invisibleIn`,
 * `mixedScripts` and `lookalikeDifferences` say what was different, for the warning.
 */

/** Characters no one sees: control and format characters (zero-width space and joiners, bidi marks, soft hyphen, byte-order mark). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "gu");

/**
 * Cyrillic and Greek letters drawn like Latin ones in common fonts (after Unicode's confusables
 * list, UTS #39, for the letters of these two scripts that have a single Latin lookalike).
 */
const LATIN_LOOKALIKE: ReadonlyMap<string, string> = new Map([
  // Cyrillic capitals and small letters
  ..."АAВBЕEЅSІIЈJКKМMНHОOРPСCТTУYХXҮYԚQԜW".match(/../g)!.map((p) => [p[0]!, p[1]!] as [string, string]),
  ..."аaеeѕsіiјjоoрpсcуyхxүyԁdһhԛqԝwӏlѵv".match(/../g)!.map((p) => [p[0]!, p[1]!] as [string, string]),
  // Greek capitals and small letters
  ..."ΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧX".match(/../g)!.map((p) => [p[0]!, p[1]!] as [string, string]),
  ..."οoνvιiαaκkρpυuχx".match(/../g)!.map((p) => [p[0]!, p[1]!] as [string, string]),
]);

/** `text` without its invisible characters. */
export function withoutInvisible(text: string): string {
  return INVISIBLE.test(text) ? text.replace(INVISIBLE_ALL, "") : text;
}

/** The invisible characters of `text` with their 1-based positions. */
export function invisibleIn(text: string): { char: string; at: number }[] {
  const out: { char: string; at: number }[] = [];
  [...text].forEach((char, i) => {
    if (INVISIBLE.test(char)) out.push({ char, at: i + 1 });
  });
  return out;
}

/**
 * The form under which lookalike spellings are one: NFKC, no invisible characters, Cyrillic and
 * Greek lookalikes as the Latin letters they look like. Case and spacing are left to the caller.
 */
export function lookalikeForm(text: string): string {
  const plain = withoutInvisible(text.normalize("NFKC"));
  if (/^[\x20-\x7e]*$/.test(plain)) return plain;
  let out = "";
  for (const c of plain) out += LATIN_LOOKALIKE.get(c) ?? c;
  return out;
}

const SCRIPTS: readonly [string, RegExp][] = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
  ["Armenian", /\p{Script=Armenian}/u],
];

function scriptOf(c: string): string | undefined {
  return SCRIPTS.find(([, re]) => re.test(c))?.[0];
}

/**
 * The scripts whose letters `text` mixes, when it mixes Latin with a script that has Latin
 * lookalikes (Cyrillic, Greek, Armenian): `Rоbustness` gives ["Latin", "Cyrillic"]. Empty otherwise.
 */
export function mixedScripts(text: string): string[] {
  const seen = new Set<string>();
  for (const c of text) {
    const s = scriptOf(c);
    if (s) seen.add(s);
  }
  return seen.size > 1 && seen.has("Latin") ? [...seen] : [];
}

/** `"о" (U+043E)`: a character as a person can find it. */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return INVISIBLE.test(c) ? `U+${cp}` : `"${c}" (U+${cp})`;
}

/**
 * What makes `spelling` look like another spelling but differ from it: its letters of another
 * script among Latin ones, its compatibility forms and its invisible characters, each with its
 * 1-based position; at most `max` of them. Empty when only case, spacing, `-` or `_` differ.
 */
export function lookalikeDifferences(spelling: string, max = 3): string[] {
  const mixed = mixedScripts(spelling).length > 0;
  const out: string[] = [];
  [...spelling].forEach((c, i) => {
    const where = `at character ${i + 1}`;
    if (INVISIBLE.test(c)) out.push(`an invisible ${describeChar(c)} ${where}`);
    else if (mixed && scriptOf(c) !== undefined && scriptOf(c) !== "Latin") out.push(`a ${scriptOf(c)} ${describeChar(c)} ${where}`);
    else if (c.normalize("NFKC") !== c) out.push(`${describeChar(c)} ${where}, a compatibility form of "${c.normalize("NFKC")}"`);
  });
  return out.length > max ? [...out.slice(0, max), `${out.length - max} more`] : out;
}
