/** The taxonomy safetag ships with, in the installation's data folder. */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Taxonomy } from "../domain.js";
import { INSTALL_ROOT } from "../io/installation.js";
import { loadTaxonomy } from "./file.js";

/** data/taxonomy.json of the safetag installation itself. */
export const BUNDLED_TAXONOMY = join(INSTALL_ROOT, "data", "taxonomy.json");

/** The taxonomy safetag ships with, to describe a new taxonomy's categories; undefined when it is missing or is `except` itself. */
export function bundledTaxonomy(except: string): Taxonomy | undefined {
  if (!existsSync(BUNDLED_TAXONOMY) || resolve(except) === BUNDLED_TAXONOMY) return undefined;
  return loadTaxonomy(BUNDLED_TAXONOMY);
}
