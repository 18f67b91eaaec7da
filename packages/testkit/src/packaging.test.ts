import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packPackage, run } from "./pack.ts";
import { REPO_ROOT } from "./paths.ts";

/**
 * Every published package: publint and arethetypeswrong pass, and the packed tarball imports from
 * plain Node 20 (ESM) and from Bun. `smoke` is an ESM snippet run in both runtimes; it must print "ok".
 */
const PACKAGES: { dir: string; name: string; node: boolean; smoke: string }[] = [
  {
    dir: "packages/semaphore",
    name: "@subtreekit/semaphore",
    node: true,
    smoke: `import { Semaphore } from "@subtreekit/semaphore";
const s = new Semaphore(1); const p = s.tryAcquire(); if (!p || s.tryAcquire()) throw new Error("cap");
p.release(); if (s.inUse !== 0) throw new Error("release"); console.log("ok");`,
  },
  {
    dir: "packages/settings",
    name: "@subtreekit/settings",
    node: true,
    smoke: `import { loadSettings } from "@subtreekit/settings";
const s = loadSettings({ cwd: process.cwd(), env: {} });
if (s.asset_concurrency_subtree_data_create !== 4) throw new Error("default"); console.log("ok");`,
  },
];

describe("packaging", () => {
  const dest = mkdtempSync(join(tmpdir(), "stk-consumer-"));
  const tarballs = new Map<string, string>();

  for (const pkg of PACKAGES) {
    test(`${pkg.name}: publint and attw pass`, () => {
      const dir = join(REPO_ROOT, pkg.dir);
      run([join(REPO_ROOT, "node_modules/.bin/publint"), "--strict"], dir);
      run(
        [join(REPO_ROOT, "node_modules/.bin/attw"), "--pack", ".", "--profile", "esm-only", "--format", "ascii"],
        dir,
      );
    }, 120_000);

    test(`${pkg.name}: tarball lists only what a user needs`, () => {
      const tgz = packPackage(pkg.dir, mkdtempSync(join(tmpdir(), "stk-pack-")));
      tarballs.set(pkg.name, tgz);
      const listing = run(["tar", "-tzf", tgz], dest);
      expect(listing).toContain("package/dist/index.js");
      expect(listing).toContain("package/dist/index.d.ts");
      expect(listing).toContain("package/README.md");
      expect(listing).not.toMatch(/\.test\.(ts|js)/);
      expect(listing).not.toMatch(/tsconfig|node_modules|test-results|\.tsbuildinfo/);
    }, 60_000);
  }

  test("tarballs install into a fresh project and import from Node 20 and Bun", () => {
    const project = mkdtempSync(join(tmpdir(), "stk-consumer-project-"));
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const tgzs = PACKAGES.map((p) => tarballs.get(p.name) ?? packPackage(p.dir));
    run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", ...tgzs], project);
    for (const pkg of PACKAGES) {
      const file = join(project, `${pkg.name.replace("@subtreekit/", "")}.mjs`);
      writeFileSync(file, pkg.smoke);
      if (pkg.node) expect(run(["node", file], project).trim()).toBe("ok");
      expect(run(["bun", file], project).trim()).toBe("ok");
    }
    // Node is the runtime a published package is held to: it must be 20+ here.
    expect(Number(run(["node", "-p", "process.versions.node.split('.')[0]"], project).trim())).toBeGreaterThanOrEqual(
      20,
    );
  }, 300_000);
});
