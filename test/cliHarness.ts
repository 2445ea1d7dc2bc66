/** Runs the CLI in-process, as a person would from a shell, and collects what it prints. */
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Papa from "papaparse";
import { main } from "../src/cli/main.js";

export const fixture = (f: string) => join(__dirname, "fixtures", f);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `stdin` chunks are written one by one, so a test can split a character between two of them;
 * `env` is set for the duration of the call only.
 */
export async function cli(args: string[], stdin: string | (string | Buffer)[] = "", env: Record<string, string> = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const input = new PassThrough();
  for (const chunk of typeof stdin === "string" ? [stdin] : stdin) input.write(chunk);
  input.end();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await main(["node", "safetag", ...args], { stdout, stderr, stdin: input });
    return { code, stdout: out, stderr: err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export const parseCsv = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
