import { loadSettings, type Settings } from "@subtreekit/settings";
import { openBlobStore, openTxStore, type TxStore } from "@subtreekit/stores";
import type { BlobStoreLike, ValidatorSettings } from "../types.ts";

// The server's defaults; when the settings still say these, the validator keeps its own data
// apart (./validator-data), so running both in one folder never mixes a peer's and our stores.
const SERVER_TXSTORE = "sqlite://./data/txstore.sqlite";
const SERVER_SUBTREESTORE = "file://./data/subtreestore";
export const VALIDATOR_TXSTORE = "sqlite://./validator-data/txstore.sqlite";
export const VALIDATOR_SUBTREESTORE = "file://./validator-data/subtreestore";

/**
 * SQLite page cache of the validator's tx store (KiB), unless the URL says `?cache_kib=`. The
 * cache is resident anonymous memory and was the largest term of a big commit (64 MiB of the
 * 228 MiB peak at 500 000 txs); the index pages it would keep are re-read from the OS file cache.
 */
const VALIDATOR_SQLITE_CACHE_KIB = 16384;

export interface OpenedStores {
  settings: ValidatorSettings;
  txStore: TxStore;
  blobStore: BlobStoreLike;
  txstoreUrl: string;
  subtreestoreUrl: string;
}

/** Settings (defaults < settings.conf < settings_local.conf < env) and the two stores they name. */
export async function openStores(o: {
  cwd: string;
  env: Record<string, string | undefined>;
  txstore?: string;
  subtreestore?: string;
}): Promise<OpenedStores> {
  const all: Settings = loadSettings({ cwd: o.cwd, env: o.env });
  const txstoreUrl = o.txstore ?? (all.txstore === SERVER_TXSTORE ? VALIDATOR_TXSTORE : all.txstore);
  const subtreestoreUrl =
    o.subtreestore ?? (all.subtreestore === SERVER_SUBTREESTORE ? VALIDATOR_SUBTREESTORE : all.subtreestore);
  const txStore = await openTxStore(txstoreUrl, { cwd: o.cwd, cacheKiB: VALIDATOR_SQLITE_CACHE_KIB });
  const blobStore = await openBlobStore(subtreestoreUrl, { cwd: o.cwd });
  const settings: ValidatorSettings = {
    peer_retry_max_attempts: all.peer_retry_max_attempts,
    peer_retry_initial_delay_ms: all.peer_retry_initial_delay_ms,
    peer_retry_max_delay_ms: all.peer_retry_max_delay_ms,
    peer_retry_max_retry_after_ms: all.peer_retry_max_retry_after_ms,
    http_streaming_timeout: all.http_streaming_timeout,
    http_stall_timeout: all.http_stall_timeout,
    http_min_body_rate: all.http_min_body_rate,
    max_subtree_leaves: all.max_subtree_leaves,
    max_tx_bytes: all.max_tx_bytes,
    subtreevalidation_percentageMissingGetFullData: all.subtreevalidation_percentageMissingGetFullData,
    subtreevalidation_missingTransactionsBatchSize: all.subtreevalidation_missingTransactionsBatchSize,
    subtreevalidation_getMissingTransactions: all.subtreevalidation_getMissingTransactions,
    peer_commit_batch_bytes: all.peer_commit_batch_bytes,
  };
  return { settings, txStore, blobStore, txstoreUrl, subtreestoreUrl };
}
