/**
 * Everything the validator reports while it runs. The CLI turns these into a progress bar on a
 * TTY or into line-delimited JSON (`--json`); tests and the benchmark count them.
 */
export type ValidatorEvent =
  | { type: "subtree-start"; subtree: string; peer: string }
  | {
      type: "subtree-nodes";
      subtree: string;
      peer: string;
      nodes: number;
      missing: number;
      path: "data" | "txs" | "none";
    }
  | { type: "progress"; subtree: string; txs: number; bytes: number }
  | { type: "subtree-done"; subtree: string; peer: string; txs: number; bytes: number; stored: number }
  | { type: "subtree-failed"; subtree: string; message: string; code: string }
  | {
      type: "peer-failed";
      resource: string;
      peer: string;
      kind: "unavailable" | "bad-data" | "stalled";
      /** The failure's code (PeerError or VerificationError), e.g. `STALLED`, `TRUNCATED`. */
      code: string;
      message: string;
      /** HTTP status of the last answer, when the failure was one. */
      status?: number;
    }
  | { type: "retry"; url: string; peer: string; status: number | undefined; attempt: number; delayMs: number }
  | { type: "block-start"; block: string; peer: string; subtrees: number; height: number }
  | { type: "block-done"; block: string; height: number; txs: number }
  | { type: "block-failed"; block: string; message: string; code: string }
  | { type: "catchup-plan"; blocks: string[]; from: string | undefined }
  /** The peers do not speak the catch-up protocol (404): blocks are fetched one `/block/:hash` at a time. */
  | { type: "catchup-fallback"; route: "headers_from_common_ancestor" | "blocks"; message: string }
  | { type: "already-stored"; kind: "subtree" | "block"; hash: string };

export type EventSink = (event: ValidatorEvent) => void;

/** Running totals of a run, for the progress bar and the final summary. */
export class RunStats {
  readonly startedAt = performance.now();
  bytes = 0;
  txs = 0;
  stored = 0;
  subtrees = 0;
  subtreesFailed = 0;
  blocks = 0;
  retries = 0;
  unavailable503 = 0;
  currentPeer = "";

  /** Folds one event into the totals. */
  observe(e: ValidatorEvent): void {
    switch (e.type) {
      case "progress":
        this.bytes += e.bytes;
        this.txs += e.txs;
        break;
      case "subtree-start":
        this.currentPeer = e.peer;
        break;
      case "subtree-done":
        this.subtrees++;
        this.stored += e.stored;
        break;
      case "subtree-failed":
        this.subtreesFailed++;
        break;
      case "retry":
        this.retries++;
        if (e.status === 503) this.unavailable503++;
        break;
      case "peer-failed":
        if (e.status === 503) this.unavailable503++;
        break;
      case "block-done":
        this.blocks++;
        break;
    }
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }
}
