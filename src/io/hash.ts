import * as crypto from "node:crypto";

/** Node's one-shot digest (Node 20.12 and later): the same digest without a Hash object per call. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: "hex" | "buffer") => string | Buffer }).hash;

export function sha256(data: string | Uint8Array): string {
  return oneShotHash ? (oneShotHash("sha256", data, "hex") as string) : crypto.createHash("sha256").update(data).digest("hex");
}

/** The one-shot digest as bytes, where it gives them (asked once, when the module loads). */
const oneShotBytes = ((): ((data: string | Uint8Array) => Buffer) | undefined => {
  try {
    if (oneShotHash && Buffer.isBuffer(oneShotHash("sha256", "", "buffer"))) return (data) => oneShotHash("sha256", data, "buffer") as Buffer;
  } catch {
    // an older one-shot digest that makes text only
  }
  return undefined;
})();

/** `sha256` as its 32 bytes, for whoever reads its bits rather than shows them (no hex to make and parse). */
export function sha256Bytes(data: string | Uint8Array): Buffer {
  return oneShotBytes ? oneShotBytes(data) : crypto.createHash("sha256").update(data).digest();
}
