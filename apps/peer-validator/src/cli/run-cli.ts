import { catchup } from "../block/catchup.ts";
import { validateBlock } from "../block/validate-block.ts";
import { RunStats, type ValidatorEvent } from "../events.ts";
import { sessionOf } from "../session.ts";
import { validateSubtree } from "../subtree/validate-subtree.ts";
import { parseCliArgs, USAGE } from "./args.ts";
import { EXIT, exitCodeFor } from "./exit-code.ts";
import { type OpenedStores, openStores } from "./open-stores.ts";
import { jsonReporter, plainReporter, progressReporter, type Reporter } from "./reporters.ts";
import { summarize } from "./summary.ts";

export interface CliContext {
  signal: AbortSignal;
  cwd: string;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

/** Runs one `subtreekit-validate` command; resolves with the exit code (never exits itself). */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const stats = new RunStats();
  let reporter: Reporter = plainReporter();
  let stores: OpenedStores | undefined;
  let badPeers: string[] = [];
  let stalledPeers: string[] = [];
  let code: number = EXIT.ok;
  try {
    const args = parseCliArgs(argv);
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    reporter = args.json ? jsonReporter(stats) : ctx.isTTY ? progressReporter(stats) : plainReporter();
    stores = await openStores({ cwd: ctx.cwd, env: ctx.env, txstore: args.txstore, subtreestore: args.subtreestore });
    const events = (e: ValidatorEvent) => {
      stats.observe(e);
      reporter.event(e);
    };
    const session = sessionOf({
      peers: args.peers,
      txStore: stores.txStore,
      blobStore: stores.blobStore,
      settings: stores.settings,
      signal: ctx.signal,
      events,
      retry429: args.retry429,
      timeoutMs: args.timeoutMs,
    });
    try {
      if (args.command === "subtree") await validateSubtree({ session, hash: args.hash! });
      else if (args.command === "block")
        await validateBlock({ session, hash: args.hash!, concurrency: args.concurrency });
      else
        await catchup({
          session,
          to: args.to!,
          from: args.from,
          maxBlocks: args.maxBlocks,
          concurrency: args.concurrency,
        });
    } finally {
      badPeers = [...session.peers.bad.keys()];
      stalledPeers = [...session.peers.stalled.keys()];
    }
  } catch (err) {
    code = exitCodeFor(err, ctx.signal.aborted);
    const shown = ctx.signal.aborted
      ? new Error("interrupted: stopped before finishing; nothing partial was stored")
      : err;
    reporter.error(shown, code);
    if (code === EXIT.usage && !ctx.signal.aborted) process.stderr.write(`run with --help for usage\n`);
  } finally {
    await stores?.txStore.close().catch(() => {});
  }
  // a usage or configuration error means no run happened: there is nothing to summarise
  if (code !== EXIT.usage) reporter.finish(summarize(stats, code, ctx.signal.aborted, badPeers, stalledPeers));
  return code;
}
