import { PeerError } from "../errors/peer-error.ts";
import { type PeerFailure, PeersUnavailableError } from "../errors/peers-unavailable-error.ts";
import { VerificationError } from "../errors/verification-error.ts";
import type { EventSink } from "../events.ts";

/**
 * The run's `--peer`s, in the order given. For each resource they are tried in turn: a peer
 * that is unavailable (503s exhausted, timeout, 404, 500, network) is skipped for that resource
 * only; a peer that sent data that failed verification is marked bad for the rest of the run, as
 * the reference reports `peer_cannot_provide_*` / `transaction_count_mismatch` against it (§6).
 * Local errors (store, cancel) end the resource at once: another peer would not help.
 * Each resource starts with the peer that last delivered (then the others in the order given),
 * so a block's subtrees do not each wait out the retries of a peer that just failed the block.
 */
export class PeerPool {
  readonly urls: readonly string[];
  readonly #bad = new Map<string, string>();
  readonly #emit: EventSink;
  #preferred: string | undefined;

  constructor(urls: string[], emit: EventSink) {
    this.urls = urls.map((u) => u.replace(/\/+$/, ""));
    this.#emit = emit;
  }

  isBad(peer: string): boolean {
    return this.#bad.has(peer);
  }

  /** Makes `peer` the first one tried for the next resources (it just delivered something). */
  prefer(peer: string): void {
    if (!this.#bad.has(peer)) this.#preferred = peer;
  }

  /** Peers marked bad so far, with the reason. */
  get bad(): ReadonlyMap<string, string> {
    return this.#bad;
  }

  /**
   * Runs `fn` against each usable peer until one succeeds. Throws PeersUnavailableError listing
   * every peer's failure when none does.
   */
  async tryEach<T>(resource: string, signal: AbortSignal, fn: (peer: string) => Promise<T>): Promise<T> {
    const failures: PeerFailure[] = [];
    const order = this.#preferred ? [this.#preferred, ...this.urls.filter((u) => u !== this.#preferred)] : this.urls;
    for (const peer of order) {
      signal.throwIfAborted();
      const badReason = this.#bad.get(peer);
      if (badReason !== undefined) {
        failures.push({ peer, kind: "skipped-bad", message: `marked bad earlier in this run: ${badReason}` });
        continue;
      }
      try {
        const result = await fn(peer);
        this.prefer(peer);
        return result;
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (err instanceof VerificationError) {
          this.#bad.set(peer, err.message);
          failures.push({ peer, kind: "bad-data", message: err.message, code: err.code });
          this.#emit({ type: "peer-failed", resource, peer, kind: "bad-data", message: err.message });
        } else if (err instanceof PeerError) {
          failures.push({ peer, kind: "unavailable", message: err.message, code: err.code });
          this.#emit({
            type: "peer-failed",
            resource,
            peer,
            kind: "unavailable",
            message: err.message,
            status: err.status,
          });
        } else throw err;
      }
    }
    throw new PeersUnavailableError(this.urls.length === 0 ? "NO_PEERS" : "ALL_PEERS_FAILED", resource, failures);
  }
}
