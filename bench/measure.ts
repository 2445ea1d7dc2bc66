import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildReport } from "./child.js";

/** Runs `safetag <args>` in a child process (see child.ts) and returns what it measured; stderr is kept for errors. */
export function measureCommand(args: readonly string[], cwd: string): Promise<ChildReport> {
  const script = fileURLToPath(new URL("./child.js", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let report: ChildReport | undefined;
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on("message", (m) => (report = m as ChildReport));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (report && report.code === 0) resolve(report);
      else reject(new Error(`safetag ${args.join(" ")} failed (exit code ${report?.code ?? code}):\n${stderr}`));
    });
  });
}
