// Publishes every public workspace package whose version is not on the registry yet, with
// `bun publish` (which rewrites `workspace:*` to real versions; `changeset publish` does not).
// Run after `bun run release:version`; then `bun x --bun changeset tag` and push the tags.
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dryRun = process.argv.includes("--dry-run");
for (const dir of readdirSync("packages")) {
  const pkg = await Bun.file(join("packages", dir, "package.json")).json();
  if (pkg.private) continue;
  const view = Bun.spawnSync(["npm", "view", `${pkg.name}@${pkg.version}`, "version"], { stderr: "ignore" });
  if (view.stdout.toString().trim() === pkg.version) {
    console.log(`${pkg.name}@${pkg.version} already published`);
    continue;
  }
  const args = ["bun", "publish", "--access", "public", ...(dryRun ? ["--dry-run"] : [])];
  const r = Bun.spawnSync(args, { cwd: join("packages", dir), stdout: "inherit", stderr: "inherit" });
  if (r.exitCode !== 0) process.exit(r.exitCode ?? 1);
}
