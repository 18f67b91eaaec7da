import type { CommandUsage } from "./usage.ts";

/** A command module: its entry point and its usage. */
export interface Command {
  run(argv: string[]): Promise<number>;
  readonly usage: CommandUsage;
}

/**
 * Every command, imported lazily so `serve` never loads the others' dependencies (and vice
 * versa); only the help overview loads them all. `serve` is the default command.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: () => import("./serve.ts"),
  import: () => import("./import.ts"),
  seed: () => import("./seed.ts"),
  start: () => import("./start.ts"),
};

/** The one line for a command name that is not in `COMMANDS`. */
export function unknownCommand(name: string): string {
  return `unknown command ${JSON.stringify(name)}; expected one of: ${Object.keys(COMMANDS).join(", ")}, help`;
}
