/**
 * The settings keys this server reads. `loadSettings()` from `@subtreekit/settings` returns a
 * superset; tests pass `{ ...loaded, key: value }` to override one key.
 */
export interface AssetSettings {
  readonly asset_httpListenAddress: string;
  readonly asset_apiPrefix: string;
  /** On-demand builds at once (tryAcquire, full → 503); Infinity = unlimited. */
  readonly asset_concurrency_subtree_data_create: number;
  /** Streams of existing files at once (blocking acquire with a timeout → 503). */
  readonly asset_concurrency_get_subtree_data_reader: number;
  readonly asset_semaphore_timeout_ms: number;
  readonly asset_subtreeDataStreamingChunkSize: number;
  /** Most bytes per tx-store fetch of a build (by the subtree's stored sizes); 0 = count only. */
  readonly asset_subtreeDataStreamingChunkBytes: number;
  readonly asset_subtreeDataStreamingConcurrency: number;
  readonly asset_subtree_data_retry_after_s: number;
  /** Largest adaptive Retry-After of a full-cap 503 (see RetrySchedule). */
  readonly asset_subtree_data_retry_after_max_s: number;
  /** The schedule may hold a free permit briefly for a subtree whose moment has come. */
  readonly asset_subtree_data_retry_defer: boolean;
  readonly asset_subtree_data_finish_on_disconnect: boolean;
  /** Serve and build from `subtreeToCheck` (unvalidated) too; off: only validated `subtree` files. */
  readonly asset_serve_unvalidated_subtrees: boolean;
  readonly asset_max_batch_txs: number;
  readonly asset_shutdown_grace_ms: number;
  readonly asset_idle_timeout_s: number;
  /** Scale-out: longest wait without progress while following another replica's build (→ 503). */
  readonly asset_follow_remote_timeout_ms: number;
  /** Requests/s per client over every route but /health and /metrics; 0 = off. */
  readonly asset_httpRateLimit: number;
  /** Requests/s per client per heavy route (see `rate-limit/route-limits.ts`); 0 = off. */
  readonly asset_httpHeavyRateLimit: number;
  /** CIDRs (`address/prefix`, normalised by the settings package) never rate limited. */
  readonly asset_httpRateLimitExempt: readonly string[];
  /** CIDRs of reverse proxies whose `X-Forwarded-For` names the client. */
  readonly asset_httpTrustedProxies: readonly string[];
  readonly global_blockHeightRetention: number;
  readonly subtreestore: string;
  readonly txstore: string;
  readonly logLevel: string;
}

/** Semaphore capacity from a setting: 0 (or any negative but −1) = unlimited, −1 = CPUs. */
export function capacityOf(value: number): number {
  if (value === -1) return navigator.hardwareConcurrency || 1;
  if (value <= 0) return Number.POSITIVE_INFINITY;
  return value;
}
