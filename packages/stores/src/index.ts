export { blobPath } from "./blob/blob-path.ts";
export { assertBlobType, BLOB_MAGIC, BLOB_TYPES, type BlobType, HEADER_BYTES } from "./blob/blob-types.ts";
export {
  type BlobRange,
  type BlobWriteOptions,
  FileBlobStore,
  type FileBlobStoreOptions,
  type FsyncMode,
} from "./blob/file-blob-store.ts";
export { checkHeader } from "./blob/header.ts";
export type { PruneOptions } from "./blob/maintenance.ts";
export { type OpenBlobStoreOptions, openBlobStore } from "./blob/open-blob-store.ts";
export { StorageError, type StorageErrorCode } from "./errors/storage-error.ts";
export { StoreOpenError, type StoreOpenErrorCode } from "./errors/store-open-error.ts";
export { isStoresError, StoresError } from "./errors/stores-error.ts";
export { type OpenTxStoreOptions, openTxStore } from "./tx/open-tx-store.ts";
export { PostgresTxStore, type PostgresTxStoreOptions } from "./tx/postgres-tx-store.ts";
export { SqliteTxStore, type SqliteTxStoreOptions } from "./tx/sqlite-tx-store.ts";
export type { LocatedBatch, PutOptions, SignalOption, StoredTx, TxRecord, TxStore } from "./tx/tx-store.ts";
