import { StorageError } from "../errors/storage-error.ts";
import { BLOB_MAGIC, BLOB_TYPES, type BlobType, HEADER_BYTES } from "./blob-types.ts";

const decoder = new TextDecoder("latin1");

/**
 * Checks that `head` (a file's first bytes) is `type`'s magic. Trailing NULs count as spaces,
 * as in the reference. A foreign or missing magic is a {@link StorageError} naming the file:
 * serving such a file would hand peers bytes that are not what the URL promises.
 *
 * @example
 * ```ts
 * checkHeader(await Bun.file(path).slice(0, 8).bytes(), "subtree", path);
 * ```
 */
export function checkHeader(head: Uint8Array, type: BlobType, file: string): void {
  const expected = BLOB_MAGIC[type];
  if (head.length < HEADER_BYTES) {
    throw new StorageError("BAD_HEADER", `missing header in ${file}: ${head.length} bytes, expected ${type} magic`, {
      file,
    });
  }
  let ok = true;
  for (let i = 0; i < HEADER_BYTES; i++) {
    const b = head[i] === 0 ? 0x20 : head[i];
    if (b !== expected[i]) ok = false;
  }
  if (ok) return;
  const found = decoder.decode(head.subarray(0, HEADER_BYTES)).replaceAll("\0", " ");
  const other = BLOB_TYPES.find((t) => decoder.decode(BLOB_MAGIC[t]) === found);
  const why = other ? `header filetype mismatch: ${other}` : "missing or invalid header";
  throw new StorageError("BAD_HEADER", `${why} in ${file}: found ${JSON.stringify(found)}, expected ${type}`, { file });
}
