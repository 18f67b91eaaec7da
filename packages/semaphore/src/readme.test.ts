import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The README's Usage example must run and print what its comments claim. */
test("README usage example runs and prints what it says", () => {
  const readme = readFileSync(join(import.meta.dir, "../README.md"), "utf8");
  const usage = readme.split("## Usage")[1]!.split("```ts\n")[1]!.split("```")[0]!;
  const file = join(mkdtempSync(join(tmpdir(), "sem-readme-")), "usage.ts");
  writeFileSync(file, usage.replace('"@subtreekit/semaphore"', JSON.stringify(join(import.meta.dir, "index.ts"))));
  const r = Bun.spawnSync(["bun", file], { stdout: "pipe", stderr: "pipe" });
  expect(r.stderr.toString()).toBe("");
  expect(r.stdout.toString()).toBe('[ "1: 200 built", "2: 200 built", "3: 503 Retry-After: 1" ]\n4: 200 read\n0 0\n');
});
