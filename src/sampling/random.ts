/**
 * Seeded randomness for the evaluation stage. `Math.random` cannot be seeded, and a
 * cross-validation figure that changes on every run cannot be compared or reproduced, so every
 * random choice here (fold assignment, bootstrap resampling) goes through a generator built
 * from an explicit seed.
 */
import { EXIT, SafetagError } from "../errors.js";

/** Returns numbers uniformly in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a 32-bit state generator, fast and good enough for shuffling and resampling
 * (not for cryptography). The seed is mixed through `splitmix32` first so that nearby seeds
 * (1, 2, 3 …) do not give correlated streams.
 */
export function mulberry32(seed: number): Random {
  let state = splitmix32(toUint32(seed));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One splitmix32 step: a well-mixed 32-bit hash of a 32-bit integer. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seed for a sub-stream (e.g. one repeat of cross-validation), derived from a base seed and
 * an index, so that repeat 3 gets the same stream whether 3 or 10 repeats are run.
 */
export function deriveSeed(seed: number, index: number): number {
  return splitmix32((splitmix32(toUint32(seed)) ^ Math.imul(toUint32(index) + 1, 0x27d4eb2d)) >>> 0);
}

/** An integer uniformly in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** A shuffled copy (Fisher–Yates); the input is not changed. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/** The largest seed: seeds are 32-bit, and a larger one would wrap round to a smaller one's stream. */
export const MAX_SEED = 2 ** 32 - 1;

/** Seeds are whole numbers from 0 to MAX_SEED; anything else is refused, not wrapped or truncated. */
function toUint32(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new SafetagError("EVAL_BAD_SEED", `The seed must be a whole number from 0 to ${MAX_SEED}, got ${seed}.`, {
      exitCode: EXIT.usage,
      hint: "Pass an integer such as --seed 1.",
    });
  }
  return seed;
}
