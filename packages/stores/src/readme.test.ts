import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The README's usage example must run as written (in a scratch working directory, since it opens
// ./data/...). It is written beside this file so its imports resolve like a consumer's.
test("the README usage example runs and prints what it says", async () => {
  const readme = readFileSync(join(import.meta.dir, "..", "README.md"), "utf8");
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("openTxStore");
  const script = join(import.meta.dir, `.readme-example-${process.pid}.ts`);
  const cwd = mkdtempSync(join(tmpdir(), "stores-readme-"));
  try {
    writeFileSync(script, code!);
    const proc = Bun.spawn(["bun", script], { cwd, stdout: "pipe", stderr: "pipe" });
    const [out, err, status] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(err).toBe("");
    expect(status).toBe(0);
    expect(out.trim()).toBe("128 10 true");
    expect(await Bun.file(join(cwd, "data", "txstore.sqlite")).exists()).toBe(true);
  } finally {
    rmSync(script, { force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});
