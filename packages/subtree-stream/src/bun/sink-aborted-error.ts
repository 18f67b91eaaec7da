import { SubtreeStreamError } from "../errors.ts";

/**
 * The atomic sink was aborted: thrown by `write`/`commit` after `abort`, and the error of every
 * follower stream. `cause` is the reason given to `abort` (or the error that aborted it).
 */
export class SinkAbortedError extends SubtreeStreamError {
  override name = "SinkAbortedError" as const;
  declare readonly code: "SINK_ABORTED";
  constructor(path: string, reason: unknown) {
    const why = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
    super("SINK_ABORTED", `atomic file sink for ${path} was aborted${why ? `: ${why}` : ""}`, { cause: reason });
  }
}
