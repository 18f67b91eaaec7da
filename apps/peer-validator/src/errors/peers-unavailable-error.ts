import { ValidatorError } from "./validator-error.ts";

/** What went wrong with one peer while fetching one resource. */
export interface PeerFailure {
  peer: string;
  /**
   * `unavailable`: 503s exhausted, timeouts, network, other statuses; `bad-data`: failed
   * verification; `stalled`: no byte for `http_stall_timeout`; `skipped-*`: not asked, marked earlier.
   */
  kind: "unavailable" | "bad-data" | "stalled" | "skipped-bad" | "skipped-stalled";
  message: string;
  /** The failure's `code` (PeerError or VerificationError), when there was one. */
  code?: string;
}

/**
 * - `ALL_PEERS_FAILED`: every `--peer` was tried for a resource and none delivered it.
 * - `NO_PEERS`: the run was given no peer at all.
 */
export type PeersUnavailableErrorCode = "ALL_PEERS_FAILED" | "NO_PEERS";

/**
 * No peer could deliver a resource. `failures` lists each peer and why, in the order tried, so the
 * summary can say which peer was exhausted and which sent bad data.
 */
export class PeersUnavailableError extends ValidatorError {
  override name = "PeersUnavailableError" as const;
  declare readonly code: PeersUnavailableErrorCode;
  readonly resource: string;
  readonly failures: PeerFailure[];
  constructor(
    code: PeersUnavailableErrorCode,
    resource: string,
    failures: PeerFailure[],
    options?: { cause?: unknown },
  ) {
    const lines = failures.map((f) => `  ${f.peer}: ${f.kind}: ${f.message}`).join("\n");
    super(code, `all peers failed for ${resource}${lines ? `:\n${lines}` : ""}`, options);
    this.resource = resource;
    this.failures = failures;
  }
}
