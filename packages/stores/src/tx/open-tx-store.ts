import { StoreOpenError } from "../errors/store-open-error.ts";
import { intParam, parsePathUrl, redact } from "../url.ts";
import { PostgresTxStore, type PostgresTxStoreOptions } from "./postgres-tx-store.ts";
import { SqliteTxStore, type SqliteTxStoreOptions } from "./sqlite-tx-store.ts";
import type { TxStore } from "./tx-store.ts";

/** Options of {@link openTxStore}; each applies to the backend the URL selects. */
export interface OpenTxStoreOptions extends SqliteTxStoreOptions, PostgresTxStoreOptions {
  /** Base for a relative `sqlite://./path`. Default: `process.cwd()`. */
  cwd?: string;
}

/**
 * Opens the tx store a URL names (the `txstore` setting):
 * - `sqlite:///abs/path.sqlite`, `sqlite://./relative.sqlite` (`?mmap_size=` bytes, `?cache_kib=` page
 *   cache in KiB, `?read_workers=` threads for large batched reads, 0 = none; each overrides the options) —
 *   embedded default;
 * - `postgres://user@host:5432/db` (`?schema=`, `?pool_size=`) — shared by several replicas.
 *
 * Connects and migrates now, so a bad URL or an unreachable database throws a
 * {@link StoreOpenError} at start-up rather than at the first request.
 *
 * @example
 * ```ts
 * const txs = await openTxStore(settings.txstore, { poolSize: settings.txstore_pool_size });
 * ```
 */
export async function openTxStore(url: string, options: OpenTxStoreOptions = {}): Promise<TxStore> {
  options.signal?.throwIfAborted();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case "sqlite": {
      const { path, params } = parsePathUrl(url, options.cwd);
      const opts: SqliteTxStoreOptions = { ...options };
      if (params.has("mmap_size")) opts.mmapSize = intParam(params, "mmap_size", 0, url);
      if (params.has("cache_kib")) opts.cacheKiB = intParam(params, "cache_kib", 0, url);
      if (params.has("read_workers")) opts.readWorkers = intParam(params, "read_workers", 0, url);
      return SqliteTxStore.open(path, opts);
    }
    case "postgres":
    case "postgresql":
      return PostgresTxStore.open(url, options);
    default:
      throw new StoreOpenError(
        "UNKNOWN_SCHEME",
        `unknown tx store URL ${JSON.stringify(redact(url))}: expected sqlite:// or postgres://`,
      );
  }
}
