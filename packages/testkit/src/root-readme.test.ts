import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";

// Issue 19: the root README is what a new user reads first, and .ci/run runs its test command.
test("the root README is a guide: at most 150 lines, the two commands, the chart, no lab notebook", () => {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  expect(readme.split("\n").length).toBeLessThanOrEqual(150);
  expect(readme).toContain("bun install && bun start ");
  expect(readme).toContain("bun install && bun run test ");
  expect(readme).toContain("](docs/storm.svg)");
  expect(readme).not.toContain("## What the numbers show");
  expect(readme).not.toMatch(/\d+ MiB/); // figures live in docs/storm.md and bench output
});
