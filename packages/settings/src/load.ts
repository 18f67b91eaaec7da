import { crossChecks } from "./cross-checks.ts";
import { definitions } from "./definitions.ts";
import { SettingsError, type SettingsIssue } from "./errors.ts";
import { ExpansionFailure, expand, type RawValue } from "./expand.ts";
import type { Settings } from "./schema.ts";
import { DEFAULT_FILES, fromEnv, readFiles } from "./sources.ts";

/** Options of {@link loadSettings}. */
export interface LoadSettingsOptions {
  /** Directory the settings files are resolved against. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** Environment to read overrides and `${VAR}` values from. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Settings files, lowest precedence first; missing ones are skipped. Default: `settings.conf`, `settings_local.conf`. */
  readonly files?: readonly string[];
  /**
   * Teranode settings context, e.g. `docker` or `docker.m`: a file line `key.docker.m = v` beats
   * `key.docker = v`, which beats `key = v`. Default: `env.SETTINGS_CONTEXT` (Teranode's variable).
   */
  readonly context?: string;
  /** Receives warnings such as unknown keys in a file. Default: `console.warn`. */
  readonly onWarning?: (message: string) => void;
}

const REF = /\$\{([^}]*)\}/g;

/**
 * Loads settings: built-in defaults < `settings.conf` < `settings_local.conf` < env (exact key
 * name, else its upper-case form). File values may use `${NAME}`, which takes NAME's effective
 * value under the same precedence (a setting, any other key of the files, or an environment
 * variable). Returns a frozen, fully typed object, or throws one {@link SettingsError} listing
 * every bad key.
 *
 * @example
 * ```ts
 * import { loadSettings } from "@subtreekit/settings";
 * const settings = loadSettings({ env: { ASSET_CONCURRENCY_SUBTREE_DATA_CREATE: "2" } });
 * settings.asset_concurrency_subtree_data_create; // 2
 * settings.asset_apiPrefix; // "/api/v1"
 * ```
 */
export function loadSettings(options: LoadSettingsOptions = {}): Settings {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const context = options.context ?? env.SETTINGS_CONTEXT ?? "";
  const { values: fileValues, issues } = readFiles(cwd, options.files ?? DEFAULT_FILES);

  const lookup = (name: string): RawValue | undefined => {
    const e = fromEnv(env, name);
    if (e) return { ...e, literal: true };
    for (const candidate of contextKeys(name, context)) {
      const f = fileValues.get(candidate);
      if (f) return { value: f.value, source: f.source, literal: false };
    }
    const d = (definitions as Record<string, { default: string }>)[name];
    return d ? { value: d.default, source: "default", literal: true } : undefined;
  };

  const out: Record<string, unknown> = {};
  const raws = new Map<string, RawValue>();
  for (const [key, d] of Object.entries(definitions)) {
    const raw = lookup(key) as RawValue;
    raws.set(key, raw);
    const expanded = expand(raw, lookup, [key]);
    if (expanded instanceof ExpansionFailure) {
      issues.push({ key, value: raw.value, source: raw.source, expected: expanded.expected });
      continue;
    }
    const result = d.schema.safeParse(expanded);
    if (result.success) {
      out[key] = result.data;
      continue;
    }
    const note = expanded === raw.value ? "" : `(expands to ${JSON.stringify(expanded)}) `;
    const expected = note + result.error.issues.map((i) => i.message).join("; ");
    issues.push({ key, value: raw.value, source: raw.source, expected } satisfies SettingsIssue);
  }

  for (const c of crossChecks) {
    if (!(c.key in out && c.other in out) || c.ok(out as Settings)) continue;
    const raw = raws.get(c.key) as RawValue;
    const other = raws.get(c.other) as RawValue;
    const expected = `${c.expected}; ${c.other} = ${JSON.stringify(other.value)} (${other.source})`;
    issues.push({ key: c.key, value: raw.value, source: raw.source, expected });
  }

  warnUnknown(fileValues, warn);
  if (issues.length > 0) throw new SettingsError(issues);
  return Object.freeze(out) as Settings;
}

/** `name.a.b`, `name.a`, `name` for context `a.b`: most specific first, as Teranode resolves them. */
function contextKeys(name: string, context: string): string[] {
  const parts = context.split(".").filter((p) => p !== "");
  const keys: string[] = [];
  for (let n = parts.length; n > 0; n--) keys.push(`${name}.${parts.slice(0, n).join(".")}`);
  keys.push(name);
  return keys;
}

/**
 * A key no setting uses is most likely a typo, so say so; but not for helper keys such as
 * `DATADIR` that other values reference through `${DATADIR}`, and never fail: Teranode files
 * carry many keys for other services.
 */
function warnUnknown(fileValues: ReadonlyMap<string, { value: string; source: string }>, warn: (m: string) => void) {
  const referenced = new Set<string>();
  for (const { value } of fileValues.values()) for (const m of value.matchAll(REF)) referenced.add((m[1] ?? "").trim());
  for (const [key, { source }] of fileValues) {
    const base = key.split(".")[0] ?? key;
    if (base in definitions || referenced.has(base)) continue;
    // A wrong-case key is the usual typo (Teranode keys mix snake and camel case).
    const like = Object.keys(definitions).find((k) => k.toLowerCase() === base.toLowerCase());
    const hint = like ? `; did you mean "${like}"?` : "";
    warn(`@subtreekit/settings: unknown setting "${key}" (${source}) ignored${hint}`);
  }
}
