import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publishOrder, workspacePackages } from "../../../scripts/lib/workspace-packages.ts";
import { NODE_REFUSALS } from "./node-refusals.ts";
import { packPackage, run } from "./pack.ts";
import { REPO_ROOT } from "./paths.ts";

/**
 * Every published package (non-private, under packages/): publint and arethetypeswrong pass, the
 * tarball holds only what a user needs, and it installs into a fresh project and imports there.
 * A package opts into the import check with smoke scripts kept beside its package.json (and out
 * of its `files`): `consumer-smoke.mjs` runs under plain Node 20 and Bun, and
 * `consumer-smoke.bun.mjs` under Bun only. Each must print "ok".
 */
interface Pkg {
  dir: string;
  name: string;
  smokes: { file: string; node: boolean }[];
}

const PACKAGES: Pkg[] = readdirSync(join(REPO_ROOT, "packages"))
  .map((d) => `packages/${d}`)
  .filter((dir) => existsSync(join(REPO_ROOT, dir, "package.json")))
  .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(REPO_ROOT, dir, "package.json"), "utf8")) }))
  .filter(({ json }) => !json.private)
  .map(({ dir, json }) => ({
    dir,
    name: json.name as string,
    smokes: [
      { file: "consumer-smoke.mjs", node: true },
      { file: "consumer-smoke.bun.mjs", node: false },
    ].filter((s) => existsSync(join(REPO_ROOT, dir, s.file))),
  }));

describe("packaging", () => {
  const tarballs = new Map<string, string>();
  let project: string | undefined;

  beforeAll(() => {
    // In dependency order, so each build finds its dependencies' `.d.ts`. testkit builds them itself
    // instead of depending on them: they use testkit in their own tests (a cycle for turbo).
    for (const pkg of publishOrder(workspacePackages(REPO_ROOT)))
      run(["bun", "run", "build"], join(REPO_ROOT, pkg.dir));
  }, 300_000);

  for (const pkg of PACKAGES) {
    test(`${pkg.name}: publint --strict and attw pass`, () => {
      const dir = join(REPO_ROOT, pkg.dir);
      run([join(REPO_ROOT, "node_modules/.bin/publint"), "--strict"], dir);
      run(
        [join(REPO_ROOT, "node_modules/.bin/attw"), "--pack", ".", "--profile", "esm-only", "--format", "ascii"],
        dir,
      );
    }, 120_000);

    test(`${pkg.name}: tarball lists only what a user needs`, () => {
      const tgz = packPackage(pkg.dir);
      tarballs.set(pkg.name, tgz);
      const listing = run(["tar", "-tzf", tgz], REPO_ROOT);
      expect(listing).toContain("package/dist/index.js");
      expect(listing).toContain("package/dist/index.d.ts");
      expect(listing).toContain("package/README.md");
      expect(listing).toContain("package/LICENSE");
      expect(listing).not.toMatch(/\.test\.(ts|js)|consumer-smoke/);
      expect(listing).not.toMatch(/tsconfig|node_modules|test-results|\.tsbuildinfo/);
      // `bun pm pack` must have replaced workspace:* with real versions.
      const manifest = run(["tar", "-xzOf", tgz, "package/package.json"], REPO_ROOT);
      expect(manifest).not.toContain("workspace:");
    }, 60_000);
  }

  const withSmokes = PACKAGES.filter((p) => p.smokes.length > 0);
  test.skipIf(withSmokes.length === 0)(
    "tarballs install into a fresh project and import from Node 20 and Bun",
    () => {
      project = mkdtempSync(join(tmpdir(), "stk-consumer-"));
      writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
      // Install every public tarball together so workspace dependencies resolve to the local builds.
      const tgzs = PACKAGES.map((p) => tarballs.get(p.name) ?? packPackage(p.dir));
      run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", ...tgzs], project);
      const nodeMajor = Number(run(["node", "-p", "process.versions.node.split('.')[0]"], project).trim());
      expect(nodeMajor).toBeGreaterThanOrEqual(20);
      for (const pkg of withSmokes) {
        for (const smoke of pkg.smokes) {
          const file = join(project, `${pkg.name.replace("@subtreekit/", "")}-${smoke.file}`);
          writeFileSync(file, readFileSync(join(REPO_ROOT, pkg.dir, smoke.file)));
          if (smoke.node)
            expect(`${pkg.name} node: ${run(["node", file], project).trim()}`).toBe(`${pkg.name} node: ok`);
          expect(`${pkg.name} bun: ${run(["bun", file], project).trim()}`).toBe(`${pkg.name} bun: ok`);
        }
      }
    },
    300_000,
  );

  test("on Node 20 the Bun-only entries refuse at import (ESM and require) with one sentence, creating nothing", () => {
    if (!project) throw new Error("the install test did not run");
    const before = readdirSync(project).sort();
    for (const [spec, sentence] of Object.entries(NODE_REFUSALS)) {
      const esm = `import(${JSON.stringify(spec)}).then(() => console.log("imported"), (e) => console.log(e.message))`;
      const cjs = `try { require(${JSON.stringify(spec)}); console.log("imported") } catch (e) { console.log(e.message) }`;
      expect(`${spec} import: ${run(["node", "--input-type=module", "-e", esm], project).trim()}`).toBe(
        `${spec} import: ${sentence}`,
      );
      const required = run(["node", "--no-warnings", "--input-type=commonjs", "-e", cjs], project).trim();
      expect(`${spec} require: ${required}`).toBe(`${spec} require: ${sentence}`);
    }
    expect(readdirSync(project).sort()).toEqual(before);
  }, 60_000);
});
