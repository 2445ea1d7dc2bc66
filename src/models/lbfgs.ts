/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, Algorithm 7.4/7.5) with a
 * backtracking Armijo line search. Deterministic: same objective and start, same answer.
 */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  memory?: number;
  maxIterations?: number;
  /** Stop when the gradient's infinity norm falls below this. */
  gradientTolerance?: number;
  /** Stop when the relative decrease of the objective falls below this. */
  relativeTolerance?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

export function minimize(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const { memory = 10, maxIterations = 200, gradientTolerance = 1e-5, relativeTolerance = 1e-9 } = options;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Array<number>(memory).fill(0);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  for (let iter = 0; iter < maxIterations; iter++) {
    if (maxAbs(g) < gradientTolerance) return { x, value: fx, iterations: iter, converged: true };
    // two-loop recursion: d = -H g
    d.set(g);
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = rho[i]! * dot(S[i]!, d);
      const y = Y[i]!;
      for (let j = 0; j < n; j++) d[j]! -= alpha[i]! * y[j]!;
    }
    const gamma = S.length ? dot(S.at(-1)!, Y.at(-1)!) / dot(Y.at(-1)!, Y.at(-1)!) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let j = 0; j < n; j++) d[j]! *= gamma;
    for (let i = 0; i < S.length; i++) {
      const beta = rho[i]! * dot(Y[i]!, d);
      const s = S[i]!;
      for (let j = 0; j < n; j++) d[j]! += s[j]! * (alpha[i]! - beta);
    }
    for (let j = 0; j < n; j++) d[j] = -d[j]!;
    let slope = dot(g, d);
    if (slope >= 0) {
      // not a descent direction (numerical trouble): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let j = 0; j < n; j++) d[j] = -g[j]!;
      slope = -dot(g, g);
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < n; j++) xNew[j] = x[j]! + step * d[j]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) return { x, value: fx, iterations: iter, converged: false };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = xNew[j]! - x[j]!;
      y[j] = gNew[j]! - g[j]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const decrease = (fx - fNew) / Math.max(Math.abs(fx), Math.abs(fNew), 1);
    x = Float64Array.from(xNew);
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (decrease < relativeTolerance) return { x, value: fx, iterations: iter + 1, converged: true };
  }
  return { x, value: fx, iterations: maxIterations, converged: false };
}
