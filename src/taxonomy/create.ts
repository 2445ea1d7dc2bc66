/** A new taxonomy, made from the categories a first ingest finds in the data. */
import type { Taxonomy, TaxonomyEntry } from "../domain.js";
import { categoryKey, normalizeLabel, otherNames } from "./names.js";
import { outsideEntry } from "./outside.js";

/**
 * A taxonomy for a first run on data without one: the data's categories, in the given order, each
 * with the description and key phrases `described` (the taxonomy safetag ships with) has for the
 * same category, under its name or an old one; the others have a name only.
 */
export function taxonomyFromCategories(names: readonly string[], described?: Taxonomy): Taxonomy {
  const known = new Map<string, TaxonomyEntry>();
  for (const e of described?.categories ?? []) for (const n of [e.name, ...otherNames(e)]) if (!known.has(categoryKey(n))) known.set(categoryKey(n), e);
  const seen = new Set<string>();
  const categories: TaxonomyEntry[] = [];
  for (const name of names) {
    const key = categoryKey(name);
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    const from = known.get(key);
    categories.push(from?.scope === "outside" ? outsideCopy(from) : {
      name: normalizeLabel(name),
      ...(from?.description ? { description: from.description } : {}),
      ...(from?.keyPhrases?.length ? { keyPhrases: [...from.keyPhrases] } : {}),
    });
  }
  // the "not safety research" answer comes along whether or not the data uses it: a sheet of
  // safety papers has no such rows, and the background set is what teaches it
  const outside = outsideEntry(described);
  if (outside && !categories.some((c) => c.scope === "outside")) categories.push(outsideCopy(outside));
  return { categories };
}

/** The outside entry as a new taxonomy takes it: name, description, key phrases, spellings and background set. */
function outsideCopy(e: TaxonomyEntry): TaxonomyEntry {
  return {
    name: e.name,
    ...(e.description ? { description: e.description } : {}),
    ...(e.keyPhrases?.length ? { keyPhrases: [...e.keyPhrases] } : {}),
    scope: "outside",
    ...(e.aliases?.length ? { aliases: [...e.aliases] } : {}),
    ...(e.background !== undefined ? { background: e.background } : {}),
  };
}
