import cliProgress from "cli-progress";

/** A progress display: a bar on a terminal, nothing otherwise. */
export interface Progress {
  /** Sets the bar to `value` of its total, with a short label of what is being done. */
  update(value: number, label?: string): void;
  /** Grows the total (e.g. when a file turns out to hold more units). */
  setTotal(total: number): void;
  stop(): void;
}

/**
 * A cli-progress bar on stderr when stderr is a TTY; a no-op otherwise, so piped output and
 * tests (and `--json` on stdout) see only the results, never escape codes.
 */
export function createProgress(total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, setTotal() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `{bar} {value}/{total} ${unit} | {label}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: "" });
  return {
    update: (value, label) => bar.update(value, label === undefined ? {} : { label }),
    setTotal: (t) => bar.setTotal(t),
    stop: () => bar.stop(),
  };
}
