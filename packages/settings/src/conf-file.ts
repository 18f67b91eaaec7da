import type { SettingsIssue } from "./errors.ts";

/** One `key = value` line of a settings file. */
export interface ConfEntry {
  readonly key: string;
  readonly value: string;
  /** `file:line`, shown in errors and warnings. */
  readonly source: string;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses Teranode's `settings.conf` format: `key = value` per line, `#` starts a comment at the
 * start of a line or after whitespace (so `#` inside a URL fragment survives), blank lines are
 * skipped, later lines win. Values are kept raw: `${VAR}` expansion happens later, once every
 * source is known.
 */
export function parseConf(text: string, name: string): { entries: ConfEntry[]; issues: SettingsIssue[] } {
  const entries: ConfEntry[] = [];
  const issues: SettingsIssue[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const source = `${name}:${i + 1}`;
    const line = stripComment(lines[i] ?? "").trim();
    if (line === "") continue;
    const eq = line.indexOf("=");
    const key = eq < 0 ? line : line.slice(0, eq).trim();
    if (eq < 0 || !KEY.test(key)) {
      issues.push({ key: key || "(line)", value: line, source, expected: "expected a line of the form key = value" });
      continue;
    }
    entries.push({ key, value: line.slice(eq + 1).trim(), source });
  }
  return { entries, issues };
}

function stripComment(line: string): string {
  const m = /(^|\s)#/.exec(line);
  return m ? line.slice(0, m.index) : line;
}
