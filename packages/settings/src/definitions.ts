import type { z } from "zod";
import { parseListenAddress } from "./listen-address.ts";
import {
  boolean,
  cidrList,
  concurrency,
  decimal,
  durationMs,
  integer,
  oneOf,
  pathPrefix,
  text,
  url,
} from "./parsers.ts";

/** How one setting is parsed, defaulted and documented. */
export interface SettingDefinition<T = unknown> {
  /** Takes the raw text, returns the typed value. */
  readonly schema: z.ZodType<T, string>;
  /** Built-in default as raw text, parsed by `schema` like any other source. */
  readonly default: string;
  /** Short type label for docs. */
  readonly type: string;
  readonly meaning: string;
  /** Teranode's key for the same thing (or "none") and how its behaviour differs. */
  readonly reference: string;
}

const def = <T>(d: SettingDefinition<T>): SettingDefinition<T> => d;
const CONCURRENCY = "concurrency (n, 0 = unlimited, -1 = CPUs)";
const listenAddress = text(
  'expected a listen address "[host]:port" such as ":8090", "127.0.0.1:8090" or "[::1]:8090" (port 0..65535)',
  (s) => (parseListenAddress(s) ? s : undefined),
);

/**
 * Every setting, keyed by its Teranode-style name. The `Settings` type is inferred from these
 * schemas, so adding a key here is the only step needed to make it typed, loaded and documented.
 */
export const definitions = {
  asset_httpListenAddress: def({
    schema: listenAddress,
    default: ":8090",
    type: "listen address",
    meaning: "HTTP listen address of the asset server (Go form: `:port` = all interfaces).",
    reference: "same key",
  }),
  asset_apiPrefix: def({
    schema: pathPrefix(),
    default: "/api/v1",
    type: "path prefix",
    meaning: "Route prefix.",
    reference: "same key",
  }),
  asset_concurrency_subtree_data_create: def({
    schema: concurrency(),
    default: "4",
    type: CONCURRENCY,
    meaning: "On-demand subtree_data builds at once (tryAcquire; full → 503 + Retry-After, no queueing).",
    reference: "same key (#896)",
  }),
  asset_concurrency_get_subtree_data_reader: def({
    schema: concurrency(),
    default: "32",
    type: CONCURRENCY,
    meaning: "Streams of existing subtree_data files at once (blocking acquire; timeout → 503).",
    reference: "same key, default 4",
  }),
  asset_semaphore_timeout_ms: def({
    schema: durationMs(),
    default: "30000",
    type: "duration (ms)",
    meaning: "Timeout of a blocking permit acquire; on expiry the request gets 503.",
    reference: "none: hard-coded 30 s fallback",
  }),
  asset_subtreeDataStreamingChunkSize: def({
    schema: integer(1),
    default: "10000",
    type: "integer ≥ 1",
    meaning: "Transactions per chunk of an on-demand build.",
    reference: "same key; ≤ 0 → 10000 there, rejected here",
  }),
  asset_subtreeDataStreamingChunkBytes: def({
    schema: integer(0),
    default: "1048576",
    type: "integer ≥ 0 (bytes)",
    meaning:
      "Most bytes per chunk of an on-demand build, by the tx sizes the subtree stores; bounds build memory when txs are big. 0 = txs count only.",
    reference: "none: chunks are counted in txs only",
  }),
  asset_subtreeDataStreamingConcurrency: def({
    schema: concurrency(false),
    default: "2",
    type: "concurrency (n, -1 = CPUs)",
    meaning: "Chunk fetches in flight per build; also the window of chunks ahead (pending cap = 2×).",
    reference: "same key; ≤ 0 → 4 there, 0 rejected here (an unlimited window defeats backpressure)",
  }),
  asset_subtree_data_retry_after_s: def({
    schema: integer(0),
    default: "1",
    type: "integer ≥ 0 (s)",
    meaning:
      "Retry-After seconds of a 503; at full create cap the least sent (the hint is scheduled per subtree up to asset_subtree_data_retry_after_max_s).",
    reference: "none: hard-coded `Retry-After: 1`",
  }),
  asset_subtree_data_retry_after_max_s: def({
    schema: integer(0),
    default: "5",
    type: "integer ≥ 0 (s)",
    meaning:
      "Largest Retry-After of a full-cap 503: the hint grows to when a permit is expected free for that subtree; ≤ asset_subtree_data_retry_after_s sends that constant.",
    reference: "none (reference peers ignore a Retry-After above their 5 s backoff ceiling)",
  }),
  asset_subtree_data_retry_defer: def({
    schema: boolean(),
    default: "true",
    type: "boolean",
    meaning:
      "With the retry schedule, hold a free create permit for at most half a hint + 250 ms for a subtree whose peers were told to come back now (a bounded deferral, never a queue); false: first come, first served.",
    reference: "none",
  }),
  asset_subtree_data_finish_on_disconnect: def({
    schema: boolean(),
    default: "false",
    type: "boolean",
    meaning: "Keep building a subtree_data file when its last reader disconnects.",
    reference: "none",
  }),
  asset_serve_unvalidated_subtrees: def({
    schema: boolean(),
    default: "false",
    type: "boolean",
    meaning:
      "Also serve, and build subtree_data from, subtrees stored only as `subtreeToCheck` (not yet validated). Off: such a hash is a 404, so the server never hands out bytes it has not validated.",
    reference: "none: always served (Teranode PR 1745 proposes refusing)",
  }),
  asset_max_batch_txs: def({
    schema: integer(1),
    default: "16384",
    type: "integer ≥ 1",
    meaning: "Most txids accepted by one POST /subtree/:hash/txs (more → 413).",
    reference: "none",
  }),
  asset_shutdown_grace_ms: def({
    schema: durationMs(),
    default: "10000",
    type: "duration (ms)",
    meaning: "On shutdown, how long in-flight responses may finish before they are aborted.",
    reference: "none",
  }),
  asset_follow_remote_timeout_ms: def({
    schema: durationMs(),
    default: "30000",
    type: "duration (ms)",
    meaning: "How long a replica waits for another replica's build of the same subtree before answering 503.",
    reference: "like `subtree_quorum_absolute_timeout` (30 s)",
  }),
  asset_idle_timeout_s: def({
    schema: integer(0, 255),
    default: "255",
    type: "integer 0..255 (s)",
    meaning: "Bun.serve idleTimeout: a connection idle this long is closed; 0 disables.",
    reference: "none (Go server IdleTimeout 120 s)",
  }),
  asset_httpRateLimit: def({
    schema: integer(0),
    default: "1024",
    type: "integer ≥ 0 (requests/s)",
    meaning:
      "Token bucket per client (IP, IPv6 by /64) over every route but /health and /metrics; empty → 429 + Retry-After. Burst = rate. 0 = off.",
    reference: "same key (no Retry-After there)",
  }),
  asset_httpHeavyRateLimit: def({
    schema: integer(0),
    default: "10",
    type: "integer ≥ 0 (requests/s)",
    meaning:
      "Token bucket per client per heavy route (/subtree*, /subtree_data, POST /subtree/:hash/txs, /block*, /blocks, /block_legacy, /rest/block); not /headers_from_common_ancestor. 0 = off.",
    reference: "same key (no Retry-After there)",
  }),
  asset_httpRateLimitExempt: def({
    schema: cidrList(),
    default: "127.0.0.0/8,::1",
    type: "CIDR list",
    meaning: "Clients never rate limited (a local validator, test or benchmark); empty = none.",
    reference: "none: only miners (by peer reputation) are exempt there",
  }),
  asset_httpTrustedProxies: def({
    schema: cidrList(),
    default: "",
    type: "CIDR list",
    meaning:
      "Reverse proxies whose X-Forwarded-For names the client (read right to left, past trusted hops); their requests are keyed and exempted by that client, never by the proxy.",
    reference: "`asset_trustedProxyCIDRs`",
  }),
  global_blockHeightRetention: def({
    schema: integer(0),
    default: "288",
    type: "integer ≥ 0 (blocks)",
    meaning: "On-demand files expire at current height + this (DAH).",
    reference: "same key",
  }),
  subtreestore: def({
    schema: url(["file"]),
    default: "file://./data/subtreestore",
    type: "URL (file://)",
    meaning: "Blob store (Teranode layout); `file://./x` is relative to the working directory.",
    reference: "same key (Teranode also allows s3, lustre, …)",
  }),
  txstore: def({
    schema: url(["sqlite", "postgres", "postgresql"]),
    default: "sqlite://./data/txstore.sqlite",
    type: "URL (sqlite://, postgres://)",
    meaning: "Transaction store: embedded SQLite, or Postgres to share between replicas.",
    reference: "none (Teranode reads txs from its UTXO store)",
  }),
  txstore_pool_size: def({
    schema: integer(1),
    default: "10",
    type: "integer ≥ 1",
    meaning: "Postgres connections per process (ignored for SQLite).",
    reference: "none",
  }),
  max_tx_bytes: def({
    schema: integer(1),
    default: "104857600",
    type: "integer ≥ 1 (bytes)",
    meaning: "Largest transaction accepted when parsing a stream; bigger means a corrupt or hostile stream.",
    reference: "none",
  }),
  http_streaming_timeout: def({
    // 0 would be no time at all for an attempt (the retry helper refuses it): not "no timeout".
    schema: durationMs(1),
    default: "300000",
    type: "duration (ms) ≥ 1",
    meaning:
      "Peer per-attempt timeout (headers and body); a /subtree_data or POST /txs attempt gets more when its expected size needs it at http_min_body_rate.",
    reference: "same key",
  }),
  http_stall_timeout: def({
    schema: durationMs(),
    default: "30000",
    type: "duration (ms)",
    meaning:
      "Peer request: no response headers, or no body byte, for this long ends the attempt; the peer is not asked again in that run. 0 = off.",
    reference: "none (Teranode issue 1456: a silent peer held validation for the whole streaming timeout)",
  }),
  http_min_body_rate: def({
    schema: integer(1),
    default: "1048576",
    type: "integer ≥ 1 (bytes/s)",
    meaning:
      "Slowest peer body rate budgeted for: a streamed attempt may take its expected bytes (1 KiB per tx) at this rate, never less than http_streaming_timeout.",
    reference: "none",
  }),
  peer_retry_max_attempts: def({
    schema: integer(1),
    default: "6",
    type: "integer ≥ 1",
    meaning: "Attempts per peer request before giving up (only 503 is retried).",
    reference: "none: constant in `defaultRetryConfig`",
  }),
  peer_retry_initial_delay_ms: def({
    schema: durationMs(),
    default: "250",
    type: "duration (ms)",
    meaning: "First backoff; doubles each retry.",
    reference: "none: constant in `defaultRetryConfig`",
  }),
  peer_retry_max_delay_ms: def({
    schema: durationMs(),
    default: "5000",
    type: "duration (ms)",
    meaning: "Backoff cap.",
    reference: "none: constant in `defaultRetryConfig`",
  }),
  peer_retry_max_retry_after_ms: def({
    schema: durationMs(),
    default: "30000",
    type: "duration (ms)",
    meaning: "Largest Retry-After honoured; longer hints are clamped.",
    reference: "none: `maxRetryAfter` constant (later versions)",
  }),
  peer_commit_batch_bytes: def({
    schema: integer(1),
    default: "4194304",
    type: "integer ≥ 1 (bytes)",
    meaning:
      "Peer validator: txs of a streamed subtree are read back from its verified .subtreeData temp file and stored in batches of about this many bytes, all in one transaction.",
    reference: "none",
  }),
  max_subtree_leaves: def({
    schema: integer(1),
    default: "1048576",
    type: "integer ≥ 1",
    meaning: "Most leaves accepted in one subtree (bounds a /subtree body to this × 32 bytes).",
    reference: "`maximum_merkle_items_per_subtree`",
  }),
  subtreevalidation_percentageMissingGetFullData: def({
    schema: decimal(0, 100),
    default: "20",
    type: "number 0..100 (%)",
    meaning: "Fetch the whole /subtree_data when strictly more than this share of txs is missing.",
    reference: "same key (strictly greater than)",
  }),
  subtreevalidation_missingTransactionsBatchSize: def({
    schema: integer(1),
    default: "16384",
    type: "integer ≥ 1",
    meaning: "txids per POST /subtree/:hash/txs when fetching missing txs.",
    reference: "same key",
  }),
  subtreevalidation_getMissingTransactions: def({
    schema: concurrency(),
    default: "4",
    type: CONCURRENCY,
    meaning: "Missing-tx batches fetched in parallel.",
    reference: "same key, default max(4, NumCPU/2)",
  }),
  logLevel: def({
    schema: oneOf(["trace", "debug", "info", "warn", "error", "fatal", "silent"]),
    default: "info",
    type: "log level",
    meaning: "Minimum log level (case-insensitive).",
    reference: "same key",
  }),
};

/** Name of a known setting. */
export type SettingKey = keyof typeof definitions;
