#!/usr/bin/env bun
/**
 * `subtreekit-asset [serve|import|seed|start] [args]`. `serve` is the default. Other commands are
 * imported lazily so `serve` never loads their dependencies (and vice versa).
 */
const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  serve: () => import("./cli/serve.ts"),
  import: () => import("./cli/import.ts"),
  seed: () => import("./cli/seed.ts"),
  start: () => import("./cli/start.ts"),
};

const argv = process.argv.slice(2);
const command = argv[0] && !argv[0].startsWith("-") ? argv[0] : "serve";
const rest = command === argv[0] ? argv.slice(1) : argv;
const load = COMMANDS[command];
if (!load) {
  console.error(`unknown command ${JSON.stringify(command)}; expected one of: ${Object.keys(COMMANDS).join(", ")}`);
  process.exit(2);
}
const code = await (await load()).run(rest);
process.exit(code);

export {};
