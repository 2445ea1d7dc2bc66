/**
 * Runs one safetag command for the benchmark and sends its run time and peak memory to the parent
 * over IPC. A process of its own per measurement, because a process's peak memory only ever rises.
 */
import { main } from "../src/cli/main.js";

export interface ChildReport {
  code: number;
  /** The command's run time, without Node's start-up. */
  seconds: number;
  /** Peak resident memory as the kernel counts it (process.resourceUsage().maxRSS), worker threads included. */
  maxRssMB: number;
  /** The highest resident memory seen by sampling every 20 ms, as a cross-check. */
  sampledRssMB: number;
}

let sampled = 0;
const sample = () => {
  sampled = Math.max(sampled, process.memoryUsage.rss());
};
setInterval(sample, 20).unref();
const started = performance.now();
const code = await main([process.argv[0]!, "safetag", ...process.argv.slice(2)]);
sample();
const report: ChildReport = {
  code,
  seconds: (performance.now() - started) / 1000,
  maxRssMB: process.resourceUsage().maxRSS / 1024,
  sampledRssMB: sampled / 2 ** 20,
};
process.send?.(report);
process.exitCode = code;
