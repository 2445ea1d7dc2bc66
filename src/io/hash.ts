import * as crypto from "node:crypto";

/** Node's one-shot digest (Node 20.12 and later): the same digest without a Hash object per call. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

export function sha256(data: string | Uint8Array): string {
  return oneShotHash ? oneShotHash("sha256", data as string, "hex") : crypto.createHash("sha256").update(data).digest("hex");
}
