import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { workspacePackages } from "../../../scripts/lib/workspace-packages.ts";
import { type DemoServer, startDemoServer } from "./demo-server.ts";
import { REPO_ROOT } from "./paths.ts";
import { readmeExamples, shippedReadmes } from "./readme-examples.ts";

// Doc tests: every example of every published package's README runs as written, twice (a user
// runs it again), in a folder where `bun start` ran (the demo block's subtree files in ./data),
// with SUBTREEKIT_ASSET_URL pointing at that demo server. Examples import the packages by name:
// the scripts sit in .readme-examples/, whose tsconfig maps the names to the sources.
const DIR = join(REPO_ROOT, ".readme-examples");
let demo: DemoServer;

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.base.json" }));
  demo = await startDemoServer();
}, 60_000);
afterAll(async () => {
  await demo?.stop();
});

async function runExample(script: string, cwd: string) {
  const proc = Bun.spawn(["bun", script], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, SUBTREEKIT_ASSET_URL: demo.url },
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { out, err, code };
}

for (const pkg of workspacePackages(REPO_ROOT).filter((p) => !p.private)) {
  for (const file of shippedReadmes(join(REPO_ROOT, pkg.dir))) {
    describe(`${pkg.name} ${file}`, () => {
      for (const ex of readmeExamples(join(REPO_ROOT, pkg.dir, file))) {
        const says = ex.prints ? ", printing what it says" : "";
        test(`the example at line ${ex.line} runs unchanged, twice${says}`, async () => {
          const script = join(DIR, `${pkg.dir}/${file}`.replace(/\W/g, "-") + `-${ex.line}.ts`);
          writeFileSync(script, ex.code);
          const cwd = mkdtempSync(join(tmpdir(), "stk-readme-"));
          cpSync(join(demo.cwd, "data/subtreestore"), join(cwd, "data/subtreestore"), { recursive: true });
          for (const attempt of ["first", "second"]) {
            const r = await runExample(script, cwd);
            expect(`${attempt} run: exit ${r.code}, stderr: ${r.err}`).toBe(`${attempt} run: exit 0, stderr: `);
            if (ex.prints) expect(r.out.trimEnd().split("\n")).toEqual(ex.prints);
          }
        }, 60_000);
      }
    });
  }
}
