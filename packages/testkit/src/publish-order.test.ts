import { expect, test } from "bun:test";
import { publishOrder, type WorkspacePackage, workspacePackages } from "../../../scripts/lib/workspace-packages.ts";
import { REPO_ROOT } from "./paths.ts";

const pkg = (name: string, needs: string[] = [], isPrivate = false): WorkspacePackage => ({
  dir: `packages/${name}`,
  name,
  version: "1.0.0",
  private: isPrivate,
  needs,
});

test("this repository's public packages are published each after the workspace packages it needs", () => {
  const all = workspacePackages(REPO_ROOT);
  const order = publishOrder(all).map((p) => p.name);
  expect(order.sort()).toEqual(
    all
      .filter((p) => !p.private)
      .map((p) => p.name)
      .sort(),
  );
  const unsorted = publishOrder(all).map((p) => p.name);
  for (const p of all.filter((q) => !q.private))
    for (const dep of p.needs)
      expect(`${dep} before ${p.name}: ${unsorted.indexOf(dep) < unsorted.indexOf(p.name)}`).toBe(
        `${dep} before ${p.name}: true`,
      );
  // The case issue 19 met: stores went first and was left needing a subtree-stream not yet published.
  expect(unsorted.indexOf("@subtreekit/stores")).toBeGreaterThan(unsorted.indexOf("@subtreekit/subtree-stream"));
  expect(all.find((p) => p.name === "@subtreekit/stores")?.needs).toEqual([
    "@subtreekit/semaphore",
    "@subtreekit/subtree-stream",
  ]);
});

test("publishOrder puts dependencies first whatever the input order, otherwise by name", () => {
  const order = publishOrder([pkg("m"), pkg("d", ["c", "b"]), pkg("c", ["z"]), pkg("z"), pkg("b"), pkg("t", [], true)]);
  expect(order.map((p) => p.name)).toEqual(["b", "z", "c", "d", "m"]);
});

test("a cycle, or a public package needing a private one, is an error naming them", () => {
  expect(() => publishOrder([pkg("a", ["b"]), pkg("b", ["a"])])).toThrow(
    "dependency cycle between workspace packages: a → b → a",
  );
  expect(() => publishOrder([pkg("a", ["t"]), pkg("t", [], true)])).toThrow(
    "a depends on t, which is private and never published",
  );
});
