import { RetryBudget } from "@subtreekit/http-retry";
import type { EventSink } from "./events.ts";
import { PeerPool } from "./peers/peer-pool.ts";
import { type BlobStoreLike, DEFAULT_VALIDATOR_SETTINGS, type TxStoreLike, type ValidatorSettings } from "./types.ts";

/** What every validator API takes. */
export interface RunOptions {
  /** Peers' asset base URLs including the API prefix, e.g. `http://host:8090/api/v1`. */
  peers: string[];
  txStore: TxStoreLike;
  blobStore: BlobStoreLike;
  settings?: Partial<ValidatorSettings>;
  signal?: AbortSignal;
  events?: EventSink;
  /** Retry 429 like 503 (`--retry-429`). */
  retry429?: boolean;
  /** Per-attempt timeout (headers and body), ms; default `http_streaming_timeout`. */
  timeoutMs?: number;
  /** Shared across every request of the run; one is made when absent. */
  budget?: RetryBudget;
}

/** Inside a run (block → subtrees, catchup → blocks): the enclosing call's session, so peer marks and the budget are shared. */
export interface InSession {
  session: Session;
}

/** What every validator API accepts: fresh run options, or an enclosing session. */
export type RunInput = RunOptions | InSession;

/** One run's shared state: peers (and their bad marks), retry budget, stores, settings. */
export interface Session {
  peers: PeerPool;
  txStore: TxStoreLike;
  blobStore: BlobStoreLike;
  settings: ValidatorSettings;
  signal: AbortSignal;
  emit: EventSink;
  retryOn: number[];
  timeoutMs: number;
  budget: RetryBudget;
}

/** The session of `o`, made once per run. */
export function sessionOf(o: RunInput): Session {
  if ("session" in o) return o.session;
  const settings = { ...DEFAULT_VALIDATOR_SETTINGS, ...o.settings };
  const emit = o.events ?? (() => {});
  return {
    peers: new PeerPool(o.peers, emit),
    txStore: o.txStore,
    blobStore: o.blobStore,
    settings,
    signal: o.signal ?? new AbortController().signal,
    emit,
    retryOn: o.retry429 ? [503, 429] : [503],
    timeoutMs: o.timeoutMs ?? settings.http_streaming_timeout,
    budget: o.budget ?? new RetryBudget(),
  };
}

/** `s` with a narrower signal (a peer's: see PeerPool.tryEach); shares everything else. */
export function withSignal(s: Session, signal: AbortSignal): Session {
  return signal === s.signal ? s : { ...s, signal };
}
