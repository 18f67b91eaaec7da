/** Where a raw value came from: `settings.conf:12`, `env ASSET_APIPREFIX`, or `default`. */
export type SettingSource = string;

/** One bad setting: the key, the raw text, where it came from and what was expected. */
export interface SettingsIssue {
  readonly key: string;
  /** The raw text as read (before expansion when expansion itself failed). */
  readonly value: string;
  readonly source: SettingSource;
  /** Human-readable expectation, e.g. `expected an integer ≥ 1`. */
  readonly expected: string;
}

/** Stable codes so callers can branch without parsing messages. */
export type SettingsErrorCode = "SETTINGS_INVALID";

/**
 * Marks every error this package creates, so {@link isSettingsError} matches only those, never a
 * foreign error that happens to carry the same `name` and `issues` (issue 16). `Symbol.for` so
 * another copy of the package (another version, or `dist` beside `src`) still recognises them;
 * non-enumerable, so spreading, logging or serialising an error drops it.
 */
const BRAND = Symbol.for("@subtreekit/settings");

/**
 * Thrown by `loadSettings` when any value is bad. It lists **every** bad key at once, so an
 * operator fixes a config in one round instead of one restart per typo.
 *
 * @example
 * ```ts
 * try {
 *   loadSettings();
 * } catch (err) {
 *   if (isSettingsError(err)) console.error(err.message); // one line per bad key
 *   throw err;
 * }
 * ```
 */
export class SettingsError extends Error {
  override readonly name = "SettingsError" as const;
  readonly code: SettingsErrorCode = "SETTINGS_INVALID";
  readonly issues: readonly SettingsIssue[];

  constructor(issues: readonly SettingsIssue[], options?: { cause?: unknown }) {
    super(formatSettingsError(issues), options);
    Object.defineProperty(this, BRAND, { value: true });
    this.issues = Object.freeze([...issues]);
  }
}

/** True for a `SettingsError` created by this package, also by another copy of it; never for a look-alike. */
export function isSettingsError(err: unknown): err is SettingsError {
  return typeof err === "object" && err !== null && (err as { [BRAND]?: unknown })[BRAND] === true;
}

/**
 * Renders issues as the message of a `SettingsError`: one line per key with value, source and
 * expectation.
 *
 * @example
 * ```ts
 * formatSettingsError([{ key: "logLevel", value: "loud", source: "env LOGLEVEL", expected: "expected one of …" }]);
 * // Invalid settings (1 problem):
 * //   - logLevel = "loud" (env LOGLEVEL): expected one of …
 * ```
 */
export function formatSettingsError(issues: readonly SettingsIssue[]): string {
  const head = `Invalid settings (${issues.length} problem${issues.length === 1 ? "" : "s"}):`;
  const lines = issues.map((i) => `  - ${i.key} = ${JSON.stringify(i.value)} (${i.source}): ${i.expected}`);
  return [head, ...lines].join("\n");
}
