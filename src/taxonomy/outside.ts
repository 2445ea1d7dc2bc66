/**
 * The taxonomy's "not safety research" answer: its entry, and the background set of abstracts
 * that teaches it (see ingest/background.ts).
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import type { Taxonomy, TaxonomyEntry } from "../domain.js";
import { BUNDLED_TAXONOMY } from "./bundled.js";

/** The taxonomy's "not safety research" entry (scope "outside"), when it has one. */
export function outsideEntry(taxonomy: Taxonomy | undefined): TaxonomyEntry | undefined {
  return taxonomy?.categories.find((c) => c.scope === "outside");
}

/**
 * The taxonomy's background file; undefined when it names none or turns it off. A relative path
 * is relative to the taxonomy file; when it is not there, the one bundled with safetag (a taxonomy
 * copied from the bundled one keeps its relative path).
 */
export function backgroundPath(taxonomy: Taxonomy | undefined): string | undefined {
  const file = outsideEntry(taxonomy)?.background;
  if (typeof file !== "string" || taxonomy === undefined) return undefined;
  if (isAbsolute(file)) return file;
  const beside = join(taxonomy.source ? dirname(taxonomy.source) : ".", file);
  if (existsSync(beside)) return beside;
  const bundled = join(dirname(BUNDLED_TAXONOMY), file);
  return existsSync(bundled) ? bundled : beside;
}
