import { parseArgs } from "node:util";
import { durationMs } from "@subtreekit/settings";
import { UsageError } from "../errors/usage-error.ts";

export const USAGE = `usage: subtreekit-validate <command> [options]

commands:
  subtree <hash> --peer URL [--peer URL …]     fetch, verify and store one subtree
  block <hash> --peer URL [--peer URL …]       fetch a block, validate its subtrees and merkle root, store it
  catchup --peer URL … --to <hash> [--from <hash>] [--max-blocks N]
                                               walk back from --to to a stored block, validate forward

options:
  --peer URL          a peer's asset base URL with the API prefix (http://host:8090/api/v1); repeatable, tried in order
  --concurrency N     subtrees validated at once per block (default 4)
  --timeout DURATION  per attempt, headers and body: 30000, 30s, 5m, 1h (default http_streaming_timeout;
                      large subtree bodies get more, see http_min_body_rate; silence ends at http_stall_timeout)
  --retry-429         retry every 429 like 503 (a 429 with Retry-After is retried anyway)
  --json              line-delimited JSON events on stdout instead of the progress bar
  --txstore URL       tx store (default setting txstore, else sqlite://./validator-data/txstore.sqlite)
  --subtreestore URL  blob store (default setting subtreestore, else file://./validator-data/subtreestore)
  -h, --help          this text

exit codes: 0 ok, 1 verification failure, 2 usage/config error, 3 peers unavailable,
            4 local store failure, 130 interrupted (SIGINT)`;

export interface CliArgs {
  command: "subtree" | "block" | "catchup";
  hash: string | undefined;
  peers: string[];
  to: string | undefined;
  from: string | undefined;
  maxBlocks: number | undefined;
  concurrency: number;
  timeoutMs: number | undefined;
  retry429: boolean;
  json: boolean;
  txstore: string | undefined;
  subtreestore: string | undefined;
  help: boolean;
}

const HASH = /^[0-9a-fA-F]{64}$/;

/** Parses argv (without node and script); throws UsageError naming the bad flag or value. */
export function parseCliArgs(argv: string[]): CliArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError("BAD_ARGS", (err as Error).message, { cause: err });
  }
  const v = parsed.values;
  const [command, hash, ...rest] = parsed.positionals;
  const help = v.help === true;
  if (help) return { ...EMPTY, help };
  if (command !== "subtree" && command !== "block" && command !== "catchup")
    throw new UsageError("BAD_ARGS", command ? `unknown command ${JSON.stringify(command)}` : "no command given");
  if (rest.length > 0) throw new UsageError("BAD_ARGS", `unexpected argument ${JSON.stringify(rest[0])}`);
  if (command === "catchup" ? hash !== undefined : hash === undefined || !HASH.test(hash))
    throw new UsageError(
      "BAD_ARGS",
      command === "catchup"
        ? "catchup takes no positional hash: use --to"
        : `${command} needs a 64-hex hash, got ${JSON.stringify(hash ?? "")}`,
    );
  const peers = v.peer ?? [];
  if (peers.length === 0) throw new UsageError("BAD_ARGS", "at least one --peer URL is needed");
  for (const p of peers)
    if (!/^https?:\/\/[^/]/.test(p))
      throw new UsageError("BAD_ARGS", `--peer ${JSON.stringify(p)} is not an http(s) URL`);
  for (const [flag, h] of [
    ["--to", v.to],
    ["--from", v.from],
  ] as const)
    if (h !== undefined && !HASH.test(h))
      throw new UsageError("BAD_ARGS", `${flag} needs a 64-hex hash, got ${JSON.stringify(h)}`);
  if (command === "catchup" && !v.to) throw new UsageError("BAD_ARGS", "catchup needs --to <hash>");
  return {
    command,
    hash: hash?.toLowerCase(),
    peers,
    to: v.to?.toLowerCase(),
    from: v.from?.toLowerCase(),
    maxBlocks: v["max-blocks"] === undefined ? undefined : positiveInt("--max-blocks", v["max-blocks"]),
    concurrency: v.concurrency === undefined ? 4 : positiveInt("--concurrency", v.concurrency),
    timeoutMs: v.timeout === undefined ? undefined : timeoutMs(v.timeout),
    retry429: v["retry-429"] === true,
    json: v.json === true,
    txstore: v.txstore,
    subtreestore: v.subtreestore,
    help,
  };
}

const OPTIONS = {
  peer: { type: "string", multiple: true },
  to: { type: "string" },
  from: { type: "string" },
  "max-blocks": { type: "string" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  "retry-429": { type: "boolean" },
  json: { type: "boolean" },
  txstore: { type: "string" },
  subtreestore: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const EMPTY: CliArgs = {
  command: "subtree",
  hash: undefined,
  peers: [],
  to: undefined,
  from: undefined,
  maxBlocks: undefined,
  concurrency: 4,
  timeoutMs: undefined,
  retry429: false,
  json: false,
  txstore: undefined,
  subtreestore: undefined,
  help: false,
};

function positiveInt(flag: string, s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError("BAD_ARGS", `${flag} needs a positive integer, got ${JSON.stringify(s)}`);
  return n;
}

/** The settings' duration syntax (one parser for a file, the environment and this flag); ≥ 1 ms after rounding. */
function timeoutMs(s: string): number {
  const r = durationMs(1).safeParse(s);
  if (!r.success)
    throw new UsageError(
      "BAD_ARGS",
      `--timeout needs a duration ≥ 1 ms like 30000, 30s, 5m or 1h, got ${JSON.stringify(s)}`,
      {
        cause: r.error,
      },
    );
  return r.data;
}
