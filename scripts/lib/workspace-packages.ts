import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A workspace package as publishing sees it. */
export interface WorkspacePackage {
  /** Folder relative to the repository root, e.g. `packages/stores`. */
  dir: string;
  name: string;
  version: string;
  private: boolean;
  /** Names of other workspace packages it needs at install time (dependencies, peer, optional). */
  needs: string[];
}

/** Every package under the root's `workspaces` globs of the form `folder/*`. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const rootJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const dirs = (rootJson.workspaces as string[]).flatMap((glob) => {
    if (!glob.endsWith("/*")) throw new Error(`workspace glob ${JSON.stringify(glob)}: only "folder/*" is supported`);
    const parent = glob.slice(0, -2);
    return readdirSync(join(root, parent))
      .map((d) => `${parent}/${d}`)
      .filter((d) => existsSync(join(root, d, "package.json")));
  });
  const jsons = dirs.map((dir) => ({ dir, json: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) }));
  const names = new Set(jsons.map(({ json }) => json.name as string));
  return jsons.map(({ dir, json }) => ({
    dir,
    name: json.name,
    version: json.version,
    private: json.private === true,
    needs: [
      ...new Set(
        ["dependencies", "peerDependencies", "optionalDependencies"].flatMap((field) =>
          Object.keys(json[field] ?? {}).filter((d) => names.has(d)),
        ),
      ),
    ].sort(),
  }));
}

/**
 * The public packages, each after every workspace package it needs, so a publish that stops
 * part-way never leaves one on the registry whose dependency is not there. Ties go by name, so
 * the order is the same on every machine. A public package that needs a private one, or a
 * cycle, is an error naming the packages.
 */
export function publishOrder(pkgs: readonly WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const order: WorkspacePackage[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (p: WorkspacePackage, path: string[]) => {
    if (state.get(p.name) === "done") return;
    if (state.get(p.name) === "visiting")
      throw new Error(`dependency cycle between workspace packages: ${[...path, p.name].join(" → ")}`);
    state.set(p.name, "visiting");
    for (const dep of p.needs) {
      const d = byName.get(dep) as WorkspacePackage;
      if (d.private) throw new Error(`${p.name} depends on ${d.name}, which is private and never published`);
      visit(d, [...path, p.name]);
    }
    state.set(p.name, "done");
    order.push(p);
  };
  for (const p of [...pkgs].filter((q) => !q.private).sort((a, b) => a.name.localeCompare(b.name))) visit(p, []);
  return order;
}
