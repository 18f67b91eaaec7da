import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";

/** Runs a command, throwing with its output when it fails. */
export function run(cmd: string[], cwd: string, env?: Record<string, string>): string {
  const r = Bun.spawnSync(cmd, { cwd, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const out = `${r.stdout.toString()}${r.stderr.toString()}`;
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} (in ${cwd}) exited ${r.exitCode}:\n${out}`);
  return out;
}

/**
 * Packs a workspace package with `bun pm pack` (which, unlike `npm pack`, rewrites
 * `workspace:*` to real versions) and returns the tarball's path.
 */
export function packPackage(pkgDir: string, destination = mkdtempSync(join(tmpdir(), "stk-pack-"))): string {
  run(["bun", "pm", "pack", "--destination", destination, "--quiet"], join(REPO_ROOT, pkgDir));
  const tgz = readdirSync(destination).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`bun pm pack of ${pkgDir} produced no tarball`);
  return join(destination, tgz);
}
