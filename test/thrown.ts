import { SafetagError } from "../src/errors.js";

/** The SafetagError `f` throws; any other outcome fails the test. */
export function thrown(f: () => unknown): SafetagError {
  try {
    f();
  } catch (e) {
    if (e instanceof SafetagError) return e;
    throw e;
  }
  throw new Error("expected a SafetagError");
}
