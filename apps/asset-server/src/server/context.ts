import { Semaphore } from "@subtreekit/semaphore";
import type { Logger } from "pino";
import type { HeightTracker } from "./height.ts";
import type { LoopTurn } from "./loop-turn.ts";
import type { AssetMetrics } from "./metrics.ts";
import type { BlobStorePort, TxStorePort } from "./ports.ts";
import type { RateLimiter } from "./rate-limit/rate-limiter.ts";
import type { RequestLog } from "./request-log.ts";
import { type AssetSettings, capacityOf } from "./settings.ts";
import type { ActiveStreams } from "./stream-response.ts";
import type { Target } from "./subtree-data/admit.ts";
import type { BuildRegistry } from "./subtree-data/build-registry.ts";
import type { RetryAfterPolicy } from "./subtree-data/retry-after-policy.ts";

/** Everything a route needs, and all of the server's state; one per server. */
export interface ServerContext {
  readonly settings: AssetSettings;
  readonly blobs: BlobStorePort;
  readonly txs: TxStorePort;
  /** Create permits: tryAcquire only (full → 503 at once, no queue). */
  readonly createSem: Semaphore;
  /** Reader permits: blocking with a timeout (→ 503). */
  readonly readerSem: Semaphore;
  /** Builds in flight: in this process, or across replicas (scale-out). */
  readonly builds: BuildRegistry;
  /** Retry-After of a full-cap 503, and whether a free permit may be taken now. */
  readonly retry: RetryAfterPolicy;
  /** Requested subtrees' hash and paths, by lower-case hex (see `targetOf`). */
  readonly targets: Map<string, Target>;
  /** Loop turns, for facts that hold for every request of one turn (see `LoopTurn`). */
  readonly turn: LoopTurn;
  /** The 503's ResponseInit per Retry-After value, built once (see `rejectResponse`). */
  readonly rejectInits: Map<number, ResponseInit>;
  readonly metrics: AssetMetrics;
  /** Per-client token buckets (issue 18); the guard in front of both routers asks it. */
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  readonly active: ActiveStreams;
  readonly height: HeightTracker;
  /** True once shutdown began: new heavy requests get 503. */
  closing: boolean;
}

export function semaphoresFor(settings: AssetSettings): { createSem: Semaphore; readerSem: Semaphore } {
  return {
    createSem: new Semaphore(capacityOf(settings.asset_concurrency_subtree_data_create)),
    readerSem: new Semaphore(capacityOf(settings.asset_concurrency_get_subtree_data_reader)),
  };
}

/** Hono variables set by the request middleware. */
export type AppEnv = { Variables: { log: RequestLog } };
