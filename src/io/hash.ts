import * as crypto from "node:crypto";

/** Node's one-shot digest (Node 20.12 and later): the same digest without a Hash object per call. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: "hex" | "binary") => string }).hash;

export function sha256(data: string | Uint8Array): string {
  return oneShotHash ? oneShotHash("sha256", data, "hex") : crypto.createHash("sha256").update(data).digest("hex");
}

/**
 * `sha256` as its 32 bytes, one character each ("binary", latin1), for whoever reads its bits rather than
 * shows them: no hex to make and parse, and cheaper to make than a Buffer.
 */
export function sha256Bytes(data: string | Uint8Array): string {
  return oneShotHash ? oneShotHash("sha256", data, "binary") : crypto.createHash("sha256").update(data).digest("binary");
}
