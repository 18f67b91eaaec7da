import cliProgress from "cli-progress";
import type { RunStats, ValidatorEvent } from "../events.ts";
import { formatSummary, type Summary } from "./summary.ts";

/** Where a CLI run's events, errors and summary go. */
export interface Reporter {
  event(e: ValidatorEvent): void;
  error(err: unknown, exitCode: number): void;
  finish(summary: Summary): void;
}

const write = (stream: NodeJS.WriteStream, line: string) => stream.write(`${line}\n`);

/**
 * `--json`: one JSON object per line on stdout. Per-chunk progress is folded into at most two
 * `progress` lines a second (totals), so a 1M-tx subtree does not print a million lines.
 */
export function jsonReporter(stats: RunStats, out: NodeJS.WriteStream = process.stdout): Reporter {
  let last = 0;
  const t = () => Math.round(stats.elapsedMs());
  return {
    event(e) {
      if (e.type === "progress") {
        const now = performance.now();
        if (now - last < 500) return;
        last = now;
        write(
          out,
          JSON.stringify({ type: "progress", t: t(), txs: stats.txs, bytes: stats.bytes, retries: stats.retries }),
        );
        return;
      }
      write(out, JSON.stringify({ ...e, t: t() }));
    },
    error(err, exitCode) {
      const e = err as { name?: string; code?: string; message?: string; detail?: unknown; failures?: unknown };
      write(
        out,
        JSON.stringify({
          type: "error",
          t: t(),
          exitCode,
          name: e?.name,
          code: e?.code,
          message: e?.message ?? String(err),
          detail: e?.detail,
          failures: e?.failures,
        }),
      );
    },
    finish(summary) {
      write(out, JSON.stringify({ type: "summary", ...summary }));
    },
  };
}

/** Not a TTY and no `--json`: notable events as plain lines on stderr, the summary on stdout. */
export function plainReporter(): Reporter {
  return {
    event(e) {
      if (e.type === "peer-failed")
        write(process.stderr, `peer ${e.peer} failed (${e.kind}) for ${e.resource}: ${e.message}`);
      else if (e.type === "block-done")
        write(process.stderr, `block ${e.block} (height ${e.height}) validated and stored`);
      else if (e.type === "catchup-plan") write(process.stderr, `catchup: ${e.blocks.length} block(s) to validate`);
      else if (e.type === "catchup-fallback") write(process.stderr, `catchup: ${e.message}`);
      else if (e.type === "already-stored")
        write(process.stderr, `${e.kind} ${e.hash} is already stored: nothing to do`);
    },
    error(err) {
      write(process.stderr, `error: ${(err as Error)?.message ?? String(err)}`);
    },
    finish(summary) {
      write(process.stdout, formatSummary(summary));
    },
  };
}

/**
 * On a TTY: one cli-progress bar on stderr (subtrees done / known, tx/s, MB/s, retries, 503s,
 * current peer); peer failures are logged above it.
 */
export function progressReporter(stats: RunStats): Reporter {
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: "{bar} {value}/{total} subtrees | {txps} tx/s | {mbps} MB/s | retries {retries} | 503s {s503} | {peer}",
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let total = 0;
  const payload = () => {
    const s = Math.max(stats.elapsedMs() / 1000, 0.001);
    return {
      txps: Math.round(stats.txs / s),
      mbps: (stats.bytes / 1e6 / s).toFixed(1),
      retries: stats.retries,
      s503: stats.unavailable503,
      peer: stats.currentPeer,
    };
  };
  const ensure = (): cliProgress.SingleBar => {
    bar ??= multi.create(Math.max(total, 1), 0, payload());
    return bar;
  };
  return {
    event(e) {
      if (e.type === "block-start") total += e.subtrees;
      if (e.type === "subtree-start" && total === 0) total = 1;
      const b = ensure();
      if (e.type === "catchup-fallback") {
        multi.log(`catchup: ${e.message}\n`);
        multi.update();
      }
      if (e.type === "peer-failed") {
        multi.log(`peer ${e.peer} failed (${e.kind}): ${e.message}\n`);
        multi.update(); // draw the log line now: a short run may end before the next frame
      }
      b.setTotal(Math.max(total, stats.subtrees, 1));
      b.update(stats.subtrees, payload());
    },
    error(err) {
      multi.stop();
      write(process.stderr, `error: ${(err as Error)?.message ?? String(err)}`);
    },
    finish(summary) {
      bar?.update(stats.subtrees, payload());
      multi.stop();
      write(process.stdout, formatSummary(summary));
    },
  };
}
