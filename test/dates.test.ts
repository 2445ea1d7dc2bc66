import { describe, expect, it } from "vitest";
import { toIsoDate } from "../src/ingest/dates.js";

describe("toIsoDate", () => {
  it.each([
    ["17-Jun-24", "2024-06-17"],
    ["2-Apr-24", "2024-04-02"],
    ["8-Mar-22", "2022-03-08"],
    ["24-May-2023", "2023-05-24"],
    ["2024-06-17", "2024-06-17"],
    ["2024/06/17", "2024-06-17"],
    ["17 June 2024", "2024-06-17"],
    ["17 Sept 2024", "2024-09-17"],
    ["June 17, 2024", "2024-06-17"],
    [" 1-Feb-24 ", "2024-02-01"],
    ["29-Feb-24", "2024-02-29"],
  ])("reads %s as %s", (text, iso) => {
    expect(toIsoDate(text)).toBe(iso);
  });

  it("reads two-digit years as spreadsheets do: 00-29 are 20xx, 30-99 are 19xx", () => {
    expect(toIsoDate("1-Jan-29")).toBe("2029-01-01");
    expect(toIsoDate("1-Jan-30")).toBe("1930-01-01");
  });

  it.each(["", "soon", "31-Jun-24", "29-Feb-23", "46-Jun-24", "17-Jux-24", "17 Marble 2024", "03/04/24", "2024-13-01", "Abstract not found"])(
    "is undefined for %j",
    (text) => {
      expect(toIsoDate(text)).toBeUndefined();
    },
  );
});
