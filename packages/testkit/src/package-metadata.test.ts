import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { workspacePackages } from "../../../scripts/lib/workspace-packages.ts";
import { REPO_ROOT } from "./paths.ts";
import { shippedReadmes } from "./readme-examples.ts";

// What the registry page and a user's license checker read: every published package carries the
// MIT text, points at its folder of the repository, and its READMEs have no link that only
// works inside the repository (the registry shows them without the files around them).
const root = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
const license = readFileSync(join(REPO_ROOT, "LICENSE"), "utf8");

test("the root LICENSE is MIT and the root package.json names it and the repository URL", () => {
  expect(license).toStartWith("MIT License\n");
  expect(root.license).toBe("MIT");
  expect(root.repository.url).toMatch(/^git\+https:\/\/\S+\.git$/);
});

describe("published packages", () => {
  for (const pkg of workspacePackages(REPO_ROOT).filter((p) => !p.private)) {
    test(`${pkg.name}: LICENSE (the root's text, in files), license, repository url and directory`, () => {
      const json = JSON.parse(readFileSync(join(REPO_ROOT, pkg.dir, "package.json"), "utf8"));
      expect(existsSync(join(REPO_ROOT, pkg.dir, "LICENSE"))).toBe(true);
      expect(readFileSync(join(REPO_ROOT, pkg.dir, "LICENSE"), "utf8")).toBe(license);
      expect(json.files).toContain("LICENSE");
      expect(json.license).toBe("MIT");
      expect(json.repository).toEqual({ type: "git", url: root.repository.url, directory: pkg.dir });
    });

    test(`${pkg.name}: its READMEs link only to absolute URLs or anchors`, () => {
      for (const file of shippedReadmes(join(REPO_ROOT, pkg.dir))) {
        const text = readFileSync(join(REPO_ROOT, pkg.dir, file), "utf8").replace(/```[\s\S]*?```/g, "");
        const targets = [...text.matchAll(/\]\(([^)\s]+)[^)]*\)/g)].map((m) => m[1] as string);
        const relative = targets.filter((t) => !/^(https?:\/\/|#)/.test(t));
        expect(`${file}: ${relative.join(", ")}`).toBe(`${file}: `);
      }
    });
  }
});
