import { closeSync, openSync, readSync } from "node:fs";
import { toDisplayHex } from "@subtreekit/subtree-stream";
import { StorageError } from "../errors/storage-error.ts";
import type { LocatedBatch, TxRecord } from "./tx-store.ts";
import { validateLocatedBatch } from "./validate.ts";

/** One tx to read from a file: answer `i` with `len` bytes at `off` of file `file`. */
export interface LocatedRead {
  i: number;
  hash: Uint8Array;
  file: number;
  off: number;
  len: number;
}

/** Reads this close together are one `pread`: a syscall costs more than skipping a few KiB. */
const MAX_GAP = 4096;

/**
 * Reads located txs from their files: sorted by file and offset, neighbours joined into one read,
 * so a chunk of a subtree stored from one data file is a few large reads. Files are opened for
 * one call only: a held descriptor would keep a pruned file's disk space in use.
 * Calls `take(r.i, bytes)` for every read; throws `MISSING_DATA` naming the file and tx if one cannot be.
 */
export function readLocated(
  reads: LocatedRead[],
  pathOf: (file: number) => string,
  take: (i: number, bytes: Uint8Array) => void,
): void {
  reads.sort((a, b) => a.file - b.file || a.off - b.off);
  let fd = -1;
  let fdFile = -1;
  try {
    let k = 0;
    while (k < reads.length) {
      const first = reads[k]!;
      let end = first.off + first.len;
      let j = k + 1;
      while (j < reads.length && reads[j]!.file === first.file && reads[j]!.off <= end + MAX_GAP) {
        end = Math.max(end, reads[j]!.off + reads[j]!.len);
        j++;
      }
      if (fdFile !== first.file) {
        if (fd >= 0) closeSync(fd);
        fd = -1;
        const path = pathOf(first.file);
        try {
          fd = openSync(path, "r");
        } catch (cause) {
          throw missing(path, first, String(cause), cause);
        }
        fdFile = first.file;
      }
      const buf = pread(fd, first, end - first.off, reads.slice(k, j), pathOf);
      for (; k < j; k++) {
        const r = reads[k]!;
        take(r.i, buf.subarray(r.off - first.off, r.off - first.off + r.len));
      }
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

function pread(
  fd: number,
  first: LocatedRead,
  length: number,
  run: LocatedRead[],
  pathOf: (file: number) => string,
): Uint8Array {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, first.off + got);
    if (n === 0) break;
    got += n;
  }
  if (got < length) {
    // Only a tx past the end is missing; a read-through gap may end early.
    const short = run.find((r) => r.off + r.len > first.off + got);
    if (short) throw missing(pathOf(first.file), short, `the file ends at byte ${first.off + got}`);
  }
  return buf;
}

function missing(path: string, r: LocatedRead, why: string, cause?: unknown): StorageError {
  return new StorageError(
    "MISSING_DATA",
    `tx ${toDisplayHex(r.hash)} is stored as ${r.len} bytes at offset ${r.off} of ${path}, which cannot be read: ${why}`,
    { cause, file: path },
  );
}

/**
 * A located batch as byte records, read from its file, for a backend that keeps bytes (Postgres:
 * its replicas may not share the file's disk).
 */
export function withBytes(b: LocatedBatch): TxRecord[] {
  const n = validateLocatedBatch(b);
  const out: TxRecord[] = new Array(n);
  const hashes: Uint8Array[] = new Array(n);
  const reads: LocatedRead[] = new Array(n);
  for (let i = 0; i < n; i++) {
    hashes[i] = b.hashes.slice(i * 32, i * 32 + 32);
    reads[i] = { i, hash: hashes[i]!, file: 0, off: b.offsets[i]!, len: b.lengths[i]! };
  }
  readLocated(
    reads,
    () => b.path,
    (i, standard) => {
      out[i] = { hash: hashes[i]!, standard, size: standard.length };
    },
  );
  return out;
}
