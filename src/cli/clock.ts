import { EXIT, SafetagError } from "../errors.js";

/**
 * The time a model records as `createdAt`. SOURCE_DATE_EPOCH (whole seconds since 1970, the
 * reproducible-builds convention) pins it, so the same data, settings and seed give a
 * byte-identical model file; without it, the current time.
 */
export function createdAtClock(env: NodeJS.ProcessEnv = process.env): () => Date {
  const value = env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === "") return () => new Date();
  if (!/^\d{1,12}$/.test(value.trim())) {
    throw new SafetagError("E_USAGE", `SOURCE_DATE_EPOCH must be whole seconds since 1970 (found ${JSON.stringify(value)})`, {
      exitCode: EXIT.usage,
      hint: "unset it, or set it to e.g. $(git log -1 --format=%ct)",
    });
  }
  const date = new Date(Number(value.trim()) * 1000);
  return () => date;
}
