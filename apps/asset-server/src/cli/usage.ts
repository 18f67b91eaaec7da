/**
 * What `--help` prints for one command. Each command module exports its own next to its flag
 * parser, and `subtreekit-asset --help` lists them all, so a flag is described in one place.
 */
export interface CommandUsage {
  /** As typed after `subtreekit-asset`. */
  readonly name: string;
  /** Arguments after the name, e.g. `<files…> [--json]`; empty when there are none. */
  readonly args: string;
  /** What the command does, in a sentence or two. */
  readonly summary: string;
  /** Each flag (with its value placeholder) and what it is for; `-h, --help` is added to every command. */
  readonly flags: readonly (readonly [flag: string, what: string])[];
}

const HELP_FLAG = ["-h, --help", "print this usage and exit"] as const;

/** `usage: subtreekit-asset <name> <args>`: the first line of the usage, and what a usage error repeats. */
export function usageLine(usage: CommandUsage): string {
  return `usage: subtreekit-asset ${usage.name}${usage.args ? ` ${usage.args}` : ""}`;
}

/** The command's block: its usage line, what it does, then one line per flag. */
export function formatUsage(usage: CommandUsage): string {
  const flags = [...usage.flags, HELP_FLAG];
  const width = Math.max(...flags.map(([flag]) => flag.length));
  return [
    usageLine(usage),
    `  ${usage.summary}`,
    ...flags.map(([flag, what]) => `    ${flag.padEnd(width)}  ${what}`),
  ].join("\n");
}
