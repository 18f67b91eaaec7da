import { COMMANDS, unknownCommand } from "./commands.ts";
import { formatUsage } from "./usage.ts";

/** Arguments that ask for help in place of a command: `subtreekit-asset --help [command]`. */
export const HELP_WORDS: ReadonlySet<string> = new Set(["help", "--help", "-h"]);

const HEADER = `usage: subtreekit-asset [command] [flags]    serve when no command is given
       subtreekit-asset help <command>      one command's usage
Settings (asset_httpListenAddress, txstore, …) come from settings.conf, settings_local.conf and the env.`;

/**
 * `help [command]`: with no command, every command's usage after a short header; with one, that
 * command's usage (the same text as `<command> --help`). Loads command modules only to read their
 * usage: nothing listens, opens a store or seeds. Exit 0, or 2 for an unknown command.
 */
export async function run(argv: string[]): Promise<number> {
  if (argv.length > 1) {
    console.error(`help: expected at most one command, got ${argv.join(" ")}`);
    return 2;
  }
  const [name] = argv;
  if (name !== undefined) {
    const load = COMMANDS[name];
    if (!load) {
      console.error(`help: ${unknownCommand(name)}`);
      return 2;
    }
    console.log(formatUsage((await load()).usage));
    return 0;
  }
  const all = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  console.log([HEADER, ...all.map((c) => formatUsage(c.usage))].join("\n\n"));
  return 0;
}
