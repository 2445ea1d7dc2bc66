/**
 * Where safetag itself is installed: the nearest folder above this module with safetag's
 * package.json. The same answer whether the sources run directly (src/io) or compiled
 * (dist/src/io), from a clone or from a global install.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name === "safetag") return dir;
    if (dirname(dir) === dir) return join(start, "..", ".."); // not found: where a clone's layout puts it
  }
}

/** The installation's root folder (holding package.json, data/ and dist/). */
export const INSTALL_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** safetag's version, from the installation's package.json: printed by `--version`, recorded in model files and reports. */
export const TOOL_VERSION: string = (() => {
  try {
    const v = (JSON.parse(readFileSync(join(INSTALL_ROOT, "package.json"), "utf8")) as { version?: unknown }).version;
    return typeof v === "string" ? v : "unknown";
  } catch {
    return "unknown";
  }
})();
