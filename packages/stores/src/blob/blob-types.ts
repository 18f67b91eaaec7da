/** The blob types this store reads and writes; each is also the file extension. */
export const BLOB_TYPES = ["subtree", "subtreeToCheck", "subtreeData", "subtreeMeta", "block", "tx"] as const;

/** One of {@link BLOB_TYPES}. */
export type BlobType = (typeof BLOB_TYPES)[number];

const ascii8 = (s: string): Uint8Array => new TextEncoder().encode(s.padEnd(8, " "));

/**
 * Teranode's 8-byte file header per type (ASCII, space padded; `pkg/fileformat/header.go`),
 * written at the start of every file and stripped on read, so an operator can point this store
 * at an existing Teranode subtree store.
 */
export const BLOB_MAGIC: Readonly<Record<BlobType, Uint8Array>> = {
  subtree: ascii8("S-1.0"),
  subtreeToCheck: ascii8("SC-1.0"),
  subtreeData: ascii8("SD-1.0"),
  subtreeMeta: ascii8("SM-1.0"),
  block: ascii8("B-1.0"),
  tx: ascii8("T-1.0"),
};

/** Length of the header every blob file starts with. */
export const HEADER_BYTES = 8;

const TYPES: ReadonlySet<string> = new Set(BLOB_TYPES);

/**
 * Throws a TypeError unless `type` is one of {@link BLOB_TYPES}. Together with the 32-byte key
 * this is what keeps every path inside the root: no caller-supplied string reaches a file name.
 */
export function assertBlobType(type: unknown): asserts type is BlobType {
  if (typeof type !== "string" || !TYPES.has(type)) {
    throw new TypeError(`blob type must be one of ${BLOB_TYPES.join(", ")}; got ${JSON.stringify(type)}`);
  }
}
