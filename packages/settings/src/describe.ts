import { definitions, type SettingKey } from "./definitions.ts";

/** Documentation of one setting, as returned by {@link describeSettings}. */
export interface SettingDescription {
  readonly key: SettingKey;
  readonly type: string;
  /** Built-in default, as it would be written in settings.conf. */
  readonly default: string;
  readonly meaning: string;
  /** Teranode's key for the same thing (or "none") and how its behaviour differs. */
  readonly reference: string;
}

/**
 * Key, type, default and meaning of every setting, in definition order. The package README's
 * table is generated from this (`bun run readme`), so docs cannot drift from the code.
 *
 * @example
 * ```ts
 * for (const s of describeSettings()) console.log(`${s.key} = ${s.default}  # ${s.meaning}`);
 * ```
 */
export function describeSettings(): readonly SettingDescription[] {
  return Object.entries(definitions).map(([key, d]) =>
    Object.freeze({
      key: key as SettingKey,
      type: d.type,
      default: d.default,
      meaning: d.meaning,
      reference: d.reference,
    }),
  );
}

/** Markdown table of {@link describeSettings}, as embedded in the README. */
export function renderSettingsTable(): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const rows = describeSettings().map(
    (s) => `| \`${s.key}\` | \`${cell(s.default)}\` | ${cell(s.type)} | ${cell(s.meaning)} | ${cell(s.reference)} |`,
  );
  return ["| key | default | type | meaning | Teranode |", "|---|---|---|---|---|", ...rows].join("\n");
}
