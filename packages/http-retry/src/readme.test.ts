import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The README's Usage example must run and print what its closing comments claim (real time: ~1–1.5 s). */
test("README usage example runs and prints what it says", () => {
  const readme = readFileSync(join(import.meta.dir, "../README.md"), "utf8");
  const usage = readme.split("## Usage")[1]!.split("```ts\n")[1]!.split("```")[0]!;
  // The block ends with the expected output, one `// ` comment line per printed line.
  const claimed = usage
    .trimEnd()
    .split("\n")
    .slice(-2)
    .map((l) => l.replace(/^\/\/ /, ""));
  const file = join(mkdtempSync(join(tmpdir(), "http-retry-readme-")), "usage.ts");
  writeFileSync(file, usage.replace('"@subtreekit/http-retry"', JSON.stringify(join(import.meta.dir, "index.ts"))));
  const r = Bun.spawnSync(["bun", file], { stdout: "pipe", stderr: "pipe" });
  expect(r.stderr.toString()).toBe("");
  expect(r.stdout.toString()).toBe(`${claimed.join("\n")}\n`);
  expect(claimed).toEqual(["NotFoundError from /gone, next peer", "64 bytes after 3 requests"]);
});
