import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (the folder holding the root package.json). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** True when running under CI (`CI=true`), where skipped prerequisites become failures. */
export const IS_CI = process.env.CI === "true" || process.env.CI === "1";

/**
 * The real Teranode test vectors. Read from `SUBTREEKIT_VECTORS`, default `../shared/vectors`
 * relative to the repo root. Never copied into the repository.
 */
export function vectorsDir(): string | undefined {
  const dir = resolve(REPO_ROOT, process.env.SUBTREEKIT_VECTORS ?? "../shared/vectors");
  return existsSync(join(dir, "facts.json")) ? dir : undefined;
}

/**
 * Returns the vectors folder, or undefined after printing why the caller's tests are skipped.
 * Under CI an absent folder is a failure, not a skip.
 */
export function requireVectors(what: string): string | undefined {
  const dir = vectorsDir();
  if (dir) return dir;
  const reason = `test vectors not found (set SUBTREEKIT_VECTORS; default ../shared/vectors): ${what}`;
  if (IS_CI) throw new Error(`CI=true and ${reason}`);
  console.warn(`skipped: ${reason}`);
  return undefined;
}

/** Path of a file inside the vectors folder (throws if the folder is absent). */
export function vectorPath(...parts: string[]): string {
  const dir = vectorsDir();
  if (!dir) throw new Error("test vectors not found");
  return join(dir, ...parts);
}
