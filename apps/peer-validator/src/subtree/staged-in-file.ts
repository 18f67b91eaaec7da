import { closeSync, openSync, readSync } from "node:fs";
import { parseTx, toStandardBytes, txFee } from "@subtreekit/subtree-stream";
import type { LocatedBatch, TxRecord } from "../types.ts";
import type { NodeHashes } from "./node-hashes.ts";

/** The temp file a streamed subtree's verified bytes go into (the `.subtreeData` atomic sink). */
export interface StagingFile {
  readonly tempPath: string;
  /** Where the file is published; bytes keep their offsets, since publishing is a rename. */
  readonly finalPath?: string | undefined;
  readonly headerBytes: number;
  flush(): Promise<unknown>;
}

const SKIP = 0;
const STANDARD = 1;
const EXTENDED = 2;

/**
 * The txs a streamed subtree lacks, staged as where they lie instead of as bytes: the sink's temp
 * file holds every verified tx back to back in node order (a leading coinbase left out), so a
 * length per node finds each one again. At commit {@link batches} reads the file back in bounded
 * batches for one tx-store transaction, so memory does not grow with the subtree (a 1M-tx subtree
 * of 250-byte txs held ~300 MB of tx bytes until its commit; now 5 bytes per node).
 *
 * @example
 * ```ts
 * const staged = new StagedInFile(nodes.length, sink);
 * staged.add(index, tx.bytes.length, missing, tx.extended); // for every tx written to the sink
 * await staged.flush();
 * await txStore.putTxBatches(staged.batches(nodes, 4 << 20));
 * ```
 */
export class StagedInFile {
  readonly file: StagingFile;
  /** Per node: its tx's length in the file (0 when it is not there: a leading coinbase). */
  readonly lengths: Uint32Array;
  /** Per node: SKIP (the store has it), or store it from STANDARD or EXTENDED bytes. */
  readonly kinds: Uint8Array;
  /** Txs to store. */
  count = 0;

  constructor(nodes: number, file: StagingFile) {
    this.file = file;
    this.lengths = new Uint32Array(nodes);
    this.kinds = new Uint8Array(nodes);
  }

  /** Records node `index`'s tx, just written to the file: `length` bytes, stored at commit when `missing`. */
  add(index: number, length: number, missing: boolean, extended: boolean): void {
    this.lengths[index] = length;
    if (!missing) return;
    this.kinds[index] = extended ? EXTENDED : STANDARD;
    this.count++;
  }

  /** Moves the sink's buffered bytes into the file, so {@link batches} can read them. */
  flush(): Promise<unknown> {
    return this.file.flush();
  }

  /**
   * The txs to store, read back from the file in batches of at most `maxBytes` of tx bytes (a
   * larger tx alone), EF txs converted to standard form as `verifyDataStream` does. Synchronous
   * and lazy: the store's transaction pulls a batch, writes it, and only then pulls the next; each
   * batch has a fresh buffer, so none outlives its turn. Throws if the file is shorter than staged.
   * `path`: the file once published (a rename keeps every offset).
   */
  *batches(nodes: NodeHashes, maxBytes: number, path = this.file.tempPath): Generator<TxRecord[]> {
    const { lengths, kinds } = this;
    const n = lengths.length;
    const fd = openSync(path, "r");
    try {
      let pos = this.file.headerBytes;
      let i = 0;
      for (;;) {
        while (i < n && kinds[i] === SKIP) pos += lengths[i++]!;
        if (i >= n) return;
        // a window from tx i: whole txs while they fit, ending at a tx to store
        let end = i + 1;
        let bytes = lengths[i]!;
        let last = end;
        let lastBytes = bytes;
        while (end < n && bytes + lengths[end]! <= maxBytes) {
          bytes += lengths[end]!;
          end++;
          if (kinds[end - 1] !== SKIP) {
            last = end;
            lastBytes = bytes;
          }
        }
        const buf = readAt(fd, lastBytes, pos, path);
        const batch: TxRecord[] = [];
        let at = 0;
        for (let k = i; k < last; k++) {
          const len = lengths[k]!;
          if (kinds[k] !== SKIP) batch.push(record(nodes.at(k), buf.subarray(at, at + len), kinds[k] === EXTENDED));
          at += len;
        }
        pos += lastBytes;
        i = last;
        yield batch;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * The txs to store once the file is published at `home`: standard ones as where they lie there, in
 * columns of at most `maxRecords` (no byte read, no object per tx), EF ones as their bytes converted
 * to standard form (the file holds the EF form), at most `maxBytes` held a batch. Pulled lazily
 * like {@link StagedInFile.batches}.
 */
export function* locatedBatches(
  staged: StagedInFile,
  nodes: NodeHashes,
  home: string,
  maxRecords: number,
  maxBytes: number,
): Generator<TxRecord[] | LocatedBatch> {
  const { lengths, kinds } = staged;
  // Published: the temp file is `home` now.
  const fd = openSync(home, "r");
  // One set of columns, refilled: the store writes a batch before it pulls the next, keeps none.
  const located = {
    hashes: new Uint8Array(32 * maxRecords),
    offsets: new Float64Array(maxRecords),
    lengths: new Uint32Array(maxRecords),
    n: 0,
  };
  const full = (): LocatedBatch => ({
    path: home,
    hashes: located.hashes.subarray(0, 32 * located.n),
    offsets: located.offsets.subarray(0, located.n),
    lengths: located.lengths.subarray(0, located.n),
  });
  try {
    let pos = staged.file.headerBytes;
    let ef: TxRecord[] = [];
    let efBytes = 0;
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i]!;
      if (kinds[i] === STANDARD) {
        nodes.copyTo(i, located.hashes, 32 * located.n);
        located.offsets[located.n] = pos;
        located.lengths[located.n] = len;
        if (++located.n === maxRecords) {
          yield full();
          located.n = 0;
        }
      } else if (kinds[i] === EXTENDED) {
        const r = record(nodes.at(i), readAt(fd, len, pos, home), true);
        // Bytes held: the EF form and its standard form. A record over the bound goes alone.
        const held = len + r.standard.length;
        if (ef.length > 0 && efBytes + held > maxBytes) {
          yield ef;
          ef = [];
          efBytes = 0;
        }
        ef.push(r);
        efBytes += held;
      }
      pos += len;
    }
    if (located.n > 0) yield full();
    if (ef.length > 0) yield ef;
  } finally {
    closeSync(fd);
  }
}

function record(hash: Uint8Array, b: Uint8Array, extended: boolean): TxRecord {
  if (!extended) return { hash, standard: b, extended: undefined, fee: undefined, size: b.length };
  const parsed = parseTx(b);
  const standard = toStandardBytes(parsed);
  return { hash, standard, extended: b, fee: txFee(parsed), size: standard.length };
}

function readAt(fd: number, length: number, position: number, path: string): Uint8Array {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const r = readSync(fd, buf, got, length - got, position + got);
    if (r === 0) throw new Error(`${path}: ended at byte ${position + got}, ${length - got} staged bytes short`);
    got += r;
  }
  return buf;
}
