#!/usr/bin/env bun
import { runCli } from "./cli/run-cli.ts";

// First SIGINT: abort the run (in-flight requests cancelled, temp files removed, nothing partial
// committed) and exit 130 with a summary. A second one exits at once.
const controller = new AbortController();
let interrupts = 0;
process.on("SIGINT", () => {
  if (++interrupts > 1) process.exit(130);
  controller.abort(new DOMException("interrupted by SIGINT", "AbortError"));
});

const code = await runCli(process.argv.slice(2), {
  signal: controller.signal,
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stderr.isTTY === true,
});
process.exit(code);
