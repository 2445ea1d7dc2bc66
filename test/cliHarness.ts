/** Runs the CLI in-process, as a person would from a shell, and collects what it prints. */
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Papa from "papaparse";
import { main } from "../src/cli/main.js";

export const fixture = (f: string) => join(__dirname, "fixtures", f);

export async function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const input = new PassThrough();
  input.end(stdin);
  const code = await main(["node", "safetag", ...args], { stdout, stderr, stdin: input });
  return { code, stdout: out, stderr: err };
}

export const parseCsv = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
