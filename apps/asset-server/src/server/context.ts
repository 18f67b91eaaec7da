import { Semaphore } from "@subtreekit/semaphore";
import type { Logger } from "pino";
import type { HeightTracker } from "./height.ts";
import type { AssetMetrics } from "./metrics.ts";
import type { BlobStorePort, TxStorePort } from "./ports.ts";
import type { RequestLog } from "./request-log.ts";
import type { BuildCoordinator } from "./scale-out/coordinator.ts";
import { type AssetSettings, capacityOf } from "./settings.ts";
import type { ActiveStreams } from "./stream-response.ts";
import type { BuildSlot } from "./subtree-data/build-slot.ts";
import type { RetrySchedule } from "./subtree-data/retry-schedule.ts";

/** Everything a route needs; one per server. */
export interface ServerContext {
  readonly settings: AssetSettings;
  readonly blobs: BlobStorePort;
  readonly txs: TxStorePort;
  /** Create permits: tryAcquire only (full → 503 at once, no queue). */
  readonly createSem: Semaphore;
  /** Reader permits: blocking with a timeout (→ 503). */
  readonly readerSem: Semaphore;
  /** Builds in flight in this process, by display hash (lower case). */
  readonly builds: Map<string, BuildSlot>;
  /** Retry-After of a full-cap 503: when a permit is expected free for that subtree. */
  readonly retry: RetrySchedule;
  readonly metrics: AssetMetrics;
  readonly logger: Logger;
  readonly active: ActiveStreams;
  readonly height: HeightTracker;
  /** Scale-out (Postgres tx store): one build per subtree across replicas. Absent: this process decides alone. */
  readonly coordinator?: BuildCoordinator;
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
