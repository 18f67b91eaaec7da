#!/usr/bin/env bun
// Publishes every public workspace package whose version is not on the registry yet, each after
// the workspace packages it depends on, with `bun publish` (which rewrites `workspace:*` to real
// versions; `changeset publish` does not). Run after `bun run release:version`; then
// `bun x --bun changeset git-tag` and push the tags.
//
//   bun run release:publish [-- --dry-run] [-- --registry URL]
//
// The registry is the one bun is configured with (.npmrc, bunfig.toml, NPM_CONFIG_REGISTRY), or
// --registry. `bun publish` refuses to send a request without a token, even to a registry that
// allows anonymous publishing: set NPM_CONFIG_TOKEN or an `_authToken` line in .npmrc.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { publishOrder, type WorkspacePackage, workspacePackages } from "./lib/workspace-packages.ts";

const ROOT = resolve(import.meta.dir, "..");
const USAGE = "usage: bun run release:publish [-- --dry-run] [-- --registry URL]";

const values = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: { "dry-run": { type: "boolean", default: false }, registry: { type: "string" } },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`publish: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
const dryRun = values["dry-run"] === true;
const env: Record<string, string | undefined> = { ...process.env };
if (values.registry) env.NPM_CONFIG_REGISTRY = values.registry;
const registryName = values.registry ?? env.NPM_CONFIG_REGISTRY ?? env.npm_config_registry ?? "the configured registry";

const TOKEN_HELP = `publish: ${registryName} needs a token, and none is configured for it.
  bun publish sends one even to a registry that allows anonymous publishing. Either
    NPM_CONFIG_TOKEN=<token> bun run release:publish
  or add to .npmrc (at the repository root or in your home folder):
    //<registry host and path>/:_authToken=<token>
  For a registry that accepts anonymous publishes, any non-empty token will do.`;

function sh(cmd: string[], cwd: string): { code: number; out: string } {
  const r = Bun.spawnSync(cmd, { cwd, env, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode ?? 1, out: `${r.stdout.toString()}${r.stderr.toString()}` };
}

/** Whether this exact version is on the registry; a registry that cannot answer stops the release. */
function published(pkg: WorkspacePackage): boolean {
  const r = sh(["bun", "pm", "view", `${pkg.name}@${pkg.version}`, "version"], join(ROOT, pkg.dir));
  if (r.code === 0 && r.out.trim() === pkg.version) return true;
  if (/404|does not exist|No version of/.test(r.out)) return false;
  console.error(`publish: cannot ask ${registryName} whether ${pkg.name}@${pkg.version} exists:\n${r.out.trim()}`);
  process.exit(1);
}

const order = publishOrder(workspacePackages(ROOT));
console.log(`dependency order: ${order.map((p) => p.name).join(", ")}`);
const todo = order.filter((pkg) => {
  if (!published(pkg)) return true;
  console.log(`${pkg.name}@${pkg.version} already published`);
  return false;
});
if (todo.length === 0) {
  console.log("nothing to publish");
  process.exit(0);
}

const done: string[] = [];
for (const pkg of todo) {
  const args = ["bun", "publish", "--access", "public", ...(dryRun ? ["--dry-run"] : [])];
  const r = sh(args, join(ROOT, pkg.dir));
  process.stdout.write(r.out);
  if (r.code === 0) {
    done.push(`${pkg.name}@${pkg.version}`);
    continue;
  }
  // Every package before this one is published, none after: each needs only those before it.
  if (/missing authentication/.test(r.out)) console.error(TOKEN_HELP);
  else console.error(`publish: ${pkg.name}@${pkg.version} failed (exit ${r.code})`);
  console.error(
    `${dryRun ? "checked" : "published"}: ${done.join(", ") || "none"}; not published: ${todo
      .slice(done.length)
      .map((p) => p.name)
      .join(", ")}`,
  );
  process.exit(1);
}
console.log(`${dryRun ? "dry run, would publish" : "published"}: ${done.join(", ")}`);
