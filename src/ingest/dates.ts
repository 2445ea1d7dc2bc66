/**
 * Dates as spreadsheets show them, read into ISO 8601 (YYYY-MM-DD). Only unambiguous shapes are
 * accepted: a month written as a name, or a year written first. `03/04/24` could be March or
 * April depending on who typed it, so it is not a date here.
 */
const MONTHS = [
  "january", "february", "march", "april", "may", "june",
  "july", "august", "september", "october", "november", "december",
];

/** `17-Jun-24`, `17 June 2024`, `17 Jun. 2024`: day, month name, year. */
const DAY_MONTH_YEAR = /^(\d{1,2})[-\s]([A-Za-z]{3,9})\.?[-\s,]\s*(\d{2}|\d{4})$/;
/** `June 17, 2024`, `Jun 17 2024`. */
const MONTH_DAY_YEAR = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/;
/** `2024-06-17`, `2024/06/17`, `2024.6.17`. */
const YEAR_MONTH_DAY = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;

/** ISO date for `text`, or undefined when it is not a date we can read without guessing. */
export function toIsoDate(text: string): string | undefined {
  const s = text.trim();
  let m = DAY_MONTH_YEAR.exec(s);
  if (m) return isoFromParts(fullYear(m[3]!), monthFromName(m[2]!), Number(m[1]));
  m = MONTH_DAY_YEAR.exec(s);
  if (m) return isoFromParts(Number(m[3]), monthFromName(m[1]!), Number(m[2]));
  m = YEAR_MONTH_DAY.exec(s);
  if (m) return isoFromParts(Number(m[1]), Number(m[2]), Number(m[3]));
  return undefined;
}

/** 1-12 for `Jun`, `june`, `Sept`; 0 when the word is not a month. */
function monthFromName(name: string): number {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((full) => full.startsWith(lower.slice(0, 3)));
  if (index < 0) return 0;
  // The 3-letter form, `sept` and the full name; not words that merely start like a month (`marble`).
  return lower.length === 3 || lower === "sept" || MONTHS[index] === lower ? index + 1 : 0;
}

/**
 * Two-digit years follow the spreadsheet convention (Excel, LibreOffice, Google Sheets):
 * 00-29 are 2000-2029, 30-99 are 1930-1999.
 */
function fullYear(digits: string): number {
  const n = Number(digits);
  if (digits.length === 4) return n;
  return n < 30 ? 2000 + n : 1900 + n;
}

function isoFromParts(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 31 June over to 1 July; a rolled-over date was not a real one.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
