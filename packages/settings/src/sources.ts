import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { type ConfEntry, parseConf } from "./conf-file.ts";
import type { SettingsIssue } from "./errors.ts";

/** The settings files read by default, lowest precedence first (Teranode's names). */
export const DEFAULT_FILES: readonly string[] = ["settings.conf", "settings_local.conf"];

/**
 * Reads the settings files in order (later wins) into one map of raw entries. A missing file is
 * skipped: both are optional, the built-in defaults run a node on their own.
 */
export function readFiles(
  cwd: string,
  files: readonly string[],
): { values: Map<string, ConfEntry>; issues: SettingsIssue[] } {
  const values = new Map<string, ConfEntry>();
  const issues: SettingsIssue[] = [];
  for (const file of files) {
    const path = resolve(cwd, file);
    if (!existsSync(path)) continue;
    const rel = relative(cwd, path);
    const name = rel.startsWith("..") || isAbsolute(rel) ? path : rel;
    const parsed = parseConf(readFileSync(path, "utf8"), name);
    issues.push(...parsed.issues);
    for (const e of parsed.entries) values.set(e.key, e);
  }
  return { values, issues };
}

/** Env lookup: the exact name wins over its upper-case form (`asset_apiPrefix`, then `ASSET_APIPREFIX`). */
export function fromEnv(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): { value: string; source: string } | undefined {
  for (const candidate of [name, name.toUpperCase()]) {
    const value = env[candidate];
    if (value !== undefined) return { value, source: `env ${candidate}` };
  }
  return undefined;
}
