import { PeerError } from "../errors/peer-error.ts";
import { type PeerFailure, PeersUnavailableError } from "../errors/peers-unavailable-error.ts";
import { VerificationError } from "../errors/verification-error.ts";
import type { EventSink } from "../events.ts";

/**
 * The run's `--peer`s, in the order given. For each resource they are tried in turn: a peer
 * that is unavailable (503s exhausted, timeout, 404, 500, network) is skipped for that resource
 * only; a peer that sent data that failed verification is marked bad for the rest of the run, as
 * the reference reports `peer_cannot_provide_*` / `transaction_count_mismatch` against it (§6);
 * a peer that stalled (`http_stall_timeout`) is dropped for the rest of the run too, and its other
 * requests in flight are ended at once, so one silent peer costs one stall, reported once
 * (Teranode issue 1456). Blame is only ever put on the peer whose attempt failed (issue 1368).
 * Local errors (store, cancel) end the resource at once: another peer would not help.
 * Each resource starts with the peer that last delivered (then the others in the order given),
 * so a block's subtrees do not each wait out the retries of a peer that just failed the block.
 */
export class PeerPool {
  readonly urls: readonly string[];
  readonly #bad = new Map<string, string>();
  readonly #stalled = new Map<string, string>();
  /** Per peer: aborted when it is dropped, ending its requests in flight. */
  readonly #drop = new Map<string, AbortController>();
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
    if (!this.#bad.has(peer) && !this.#stalled.has(peer)) this.#preferred = peer;
  }

  /** Peers marked bad so far, with the reason. */
  get bad(): ReadonlyMap<string, string> {
    return this.#bad;
  }

  /** Peers dropped for stalling so far, with the reason. */
  get stalled(): ReadonlyMap<string, string> {
    return this.#stalled;
  }

  /**
   * Runs `fn` against each usable peer until one succeeds. `fn` gets a signal that aborts with
   * the run's, or when that peer is dropped for stalling elsewhere; it should use it for the
   * peer's requests. Throws PeersUnavailableError listing every peer's failure when none does.
   */
  async tryEach<T>(
    resource: string,
    signal: AbortSignal,
    fn: (peer: string, peerSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const failures: PeerFailure[] = [];
    const order = this.#preferred ? [this.#preferred, ...this.urls.filter((u) => u !== this.#preferred)] : this.urls;
    for (const peer of order) {
      signal.throwIfAborted();
      const skipped = this.#skipReason(peer);
      if (skipped) {
        failures.push({ peer, ...skipped });
        continue;
      }
      try {
        const result = await fn(peer, AbortSignal.any([signal, this.#dropSignal(peer)]));
        this.prefer(peer);
        return result;
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        // dropped by another resource's stall while this one was in flight: already reported there
        const dropped = this.#skipReason(peer);
        if (dropped?.kind === "skipped-stalled") {
          failures.push({ peer, ...dropped });
          continue;
        }
        failures.push(this.#blame(resource, peer, err));
      }
    }
    throw new PeersUnavailableError(this.urls.length === 0 ? "NO_PEERS" : "ALL_PEERS_FAILED", resource, failures);
  }

  #skipReason(peer: string): Omit<PeerFailure, "peer"> | undefined {
    const bad = this.#bad.get(peer);
    if (bad !== undefined) return { kind: "skipped-bad", message: `marked bad earlier in this run: ${bad}` };
    const stalled = this.#stalled.get(peer);
    if (stalled !== undefined) return { kind: "skipped-stalled", message: `stalled earlier in this run: ${stalled}` };
    return undefined;
  }

  #dropSignal(peer: string): AbortSignal {
    let c = this.#drop.get(peer);
    if (!c) this.#drop.set(peer, (c = new AbortController()));
    return c.signal;
  }

  /** Records what `peer` did wrong for `resource`, marks it when that lasts the run, and reports it once. */
  #blame(resource: string, peer: string, err: unknown): PeerFailure {
    if (err instanceof VerificationError) {
      this.#bad.set(peer, err.message);
      this.#emit({ type: "peer-failed", resource, peer, kind: "bad-data", code: err.code, message: err.message });
      return { peer, kind: "bad-data", message: err.message, code: err.code };
    }
    if (!(err instanceof PeerError)) throw err;
    if (err.code === "STALLED") {
      this.#stalled.set(peer, err.message);
      if (this.#preferred === peer) this.#preferred = undefined;
      this.#drop.get(peer)?.abort(err);
      this.#emit({ type: "peer-failed", resource, peer, kind: "stalled", code: err.code, message: err.message });
      return { peer, kind: "stalled", message: err.message, code: err.code };
    }
    this.#emit({
      type: "peer-failed",
      resource,
      peer,
      kind: "unavailable",
      code: err.code,
      message: err.message,
      status: err.status,
    });
    return { peer, kind: "unavailable", message: err.message, code: err.code };
  }
}
