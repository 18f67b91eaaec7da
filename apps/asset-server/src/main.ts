#!/usr/bin/env bun
/**
 * `subtreekit-asset [serve|import|seed|start] [args]`, `subtreekit-asset help [command]` (also
 * `--help`, `-h`). `serve` is the default. Commands are imported lazily (see `COMMANDS`).
 */
import { COMMANDS, unknownCommand } from "./cli/commands.ts";
import { HELP_WORDS, run as help } from "./cli/help.ts";

const argv = process.argv.slice(2);
// Help is answered before a command is picked: `--help` alone used to fall through to `serve` and listen.
if (argv[0] !== undefined && HELP_WORDS.has(argv[0])) process.exit(await help(argv.slice(1)));

const command = argv[0] && !argv[0].startsWith("-") ? argv[0] : "serve";
const rest = command === argv[0] ? argv.slice(1) : argv;
const load = COMMANDS[command];
if (!load) {
  console.error(`${unknownCommand(command)} (subtreekit-asset --help lists them)`);
  process.exit(2);
}
const code = await (await load()).run(rest);
process.exit(code);
