import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { StoreOpenError } from "../errors/store-open-error.ts";
import { intParam, parsePathUrl, redact } from "../url.ts";
import { FileBlobStore, type FileBlobStoreOptions, type FsyncMode } from "./file-blob-store.ts";

/** Options of {@link openBlobStore}; they win over the URL's query. */
export interface OpenBlobStoreOptions extends FileBlobStoreOptions {
  /** Base for a relative `file://./path`. Default: `process.cwd()`. */
  cwd?: string;
  signal?: AbortSignal;
}

const FSYNC_MODES: readonly FsyncMode[] = ["full", "data", "none"];

/**
 * Opens the blob store a URL names (the `subtreestore` setting): `file:///abs/dir` or
 * `file://./relative/dir`, with `?hashPrefix=N` (default 2) and `?fsync=full|data|none`
 * (Teranode's `fsyncMode` is accepted too). Creates the directory and checks it is writable now,
 * so a bad setting fails at start-up with a {@link StoreOpenError}, not at the first request.
 *
 * @example
 * ```ts
 * const blobs = await openBlobStore("file://./data/subtreestore?hashPrefix=2");
 * await blobs.sweepTempFiles();
 * ```
 */
export async function openBlobStore(url: string, options: OpenBlobStoreOptions = {}): Promise<FileBlobStore> {
  options.signal?.throwIfAborted();
  const { scheme, path, params } = parsePathUrl(url, options.cwd);
  if (scheme !== "file") {
    throw new StoreOpenError(
      "UNKNOWN_SCHEME",
      `unknown blob store URL ${JSON.stringify(redact(url))}: expected file://`,
    );
  }
  if (params.has("hashSuffix")) {
    throw new StoreOpenError("BAD_URL", `hashSuffix in ${url} is not supported; use hashPrefix`);
  }
  const hashPrefix = options.hashPrefix ?? intParam(params, "hashPrefix", 2, url);
  if (hashPrefix > 64) throw new StoreOpenError("BAD_URL", `hashPrefix=${hashPrefix} in ${url}: at most 64`);
  const fsync = options.fsync ?? params.get("fsync") ?? params.get("fsyncMode") ?? "full";
  if (!FSYNC_MODES.includes(fsync as FsyncMode)) {
    throw new StoreOpenError("BAD_URL", `fsync=${JSON.stringify(fsync)} in ${url}: expected full, data or none`);
  }
  try {
    await mkdir(path, { recursive: true });
    await access(path, constants.R_OK | constants.W_OK);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new StoreOpenError("UNREACHABLE", `cannot use blob directory ${path}: ${why}`, { cause });
  }
  return new FileBlobStore(path, { hashPrefix, fsync: fsync as FsyncMode });
}
