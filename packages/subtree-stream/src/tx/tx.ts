import { MalformedTxError } from "../errors/malformed-tx-error.ts";
import { TruncatedTxError } from "../errors/truncated-tx-error.ts";
import { DEFAULT_MAX_TX_BYTES, TxLayout } from "./layout.ts";
import { SCAN_MORE, scanTx } from "./scan.ts";

/** Options of `parseTx`. */
export interface ParseTxOptions {
  /** Largest accepted tx in bytes. Default 100 MiB. */
  maxTxBytes?: number;
}

/**
 * One parsed transaction: a view of its bytes plus the offsets needed to hash it, strip EF or
 * compute its fee without re-parsing. Offsets are relative to `bytes`.
 */
export class Tx {
  constructor(
    /** The tx exactly as given (a view, standard or EF). */
    readonly bytes: Uint8Array,
    /** True for BIP-239 Extended Format. */
    readonly extended: boolean,
    readonly inputCount: number,
    readonly outputCount: number,
    /** Offset of the first input. */
    readonly firstInput: number,
    /** Offset of the output-count varint. */
    readonly outputsAt: number,
    /** EF-only byte ranges `[from, to)` as flat pairs (empty when standard). */
    readonly cuts: readonly number[],
  ) {}

  /** Bytes the tx takes as given. */
  get size(): number {
    return this.bytes.length;
  }

  /** Version field (u32 LE). */
  get version(): number {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset, 4).getUint32(0, true);
  }

  /** Locktime field (u32 LE, the last 4 bytes). */
  get locktime(): number {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + this.bytes.length - 4, 4).getUint32(0, true);
  }

  /** Size of the standard serialization (= size when not extended). */
  get standardSize(): number {
    let size = this.bytes.length;
    for (let i = 0; i < this.cuts.length; i += 2) size -= (this.cuts[i + 1] as number) - (this.cuts[i] as number);
    return size;
  }
}

/** Builds a `Tx` from a filled layout over `buf` (copies only the small cut list). */
export function txFromLayout(buf: Uint8Array, layout: TxLayout): Tx {
  const s = layout.start;
  const cuts: number[] = [];
  for (let i = 0; i < layout.cutCount; i++) cuts.push((layout.cuts[i] as number) - s);
  return new Tx(
    buf.subarray(s, layout.end),
    layout.extended,
    layout.inputCount,
    layout.outputCount,
    layout.firstInput - s,
    layout.outputsAt - s,
    cuts,
  );
}

/**
 * Parses one transaction (standard or EF, auto-detected) at `offset`. `tx.bytes.length` tells
 * where the next one starts, so a buffer of concatenated txs is walked with `offset += tx.size`.
 *
 * Throws `TruncatedTxError` when `bytes` ends inside the tx and `MalformedTxError` (with the byte
 * offset) for a tx above `maxTxBytes` or with impossible counts — never allocates by them.
 *
 * @example
 * const tx = parseTx(bytes);
 * console.log(toDisplayHex(txid(tx)), tx.extended, txFee(tx));
 */
export function parseTx(bytes: Uint8Array, offset = 0, options: ParseTxOptions = {}): Tx {
  const layout = new TxLayout();
  const max = options.maxTxBytes ?? DEFAULT_MAX_TX_BYTES;
  const end = scanTx(bytes, offset, bytes.length, max, layout, 0, true);
  if (end === SCAN_MORE) throw new TruncatedTxError(offset, bytes.length - offset);
  return txFromLayout(bytes, layout);
}

/**
 * Parses `bytes` as exactly one transaction: trailing bytes are `MalformedTxError`.
 *
 * @example
 * const tx = parseTxExact(fromHex(hexText));
 */
export function parseTxExact(bytes: Uint8Array, options: ParseTxOptions = {}): Tx {
  const tx = parseTx(bytes, 0, options);
  if (tx.size !== bytes.length) {
    throw new MalformedTxError("TX_TRAILING_BYTES", `${bytes.length - tx.size} bytes after the tx`, tx.size);
  }
  return tx;
}

/** A `Tx` as is, or `bytes` parsed as one tx. */
export function asTx(tx: Tx | Uint8Array): Tx {
  return tx instanceof Tx ? tx : parseTx(tx);
}
