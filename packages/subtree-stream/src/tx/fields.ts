import { readVarint } from "../varint.ts";
import type { Tx } from "./tx.ts";

/** One input of a tx; `previous*` only in Extended Format (BIP-239). */
export interface TxInputFields {
  /** The spent tx's id, internal byte order (a view). */
  prevTxid: Uint8Array;
  vout: number;
  unlockingScript: Uint8Array;
  sequence: number;
  previousSatoshis?: bigint;
  previousScript?: Uint8Array;
}

export interface TxOutputFields {
  satoshis: bigint;
  lockingScript: Uint8Array;
}

/** Every field of a tx, for display (e.g. go-bt's JSON); byte fields are views of `tx.bytes`. */
export interface TxFields {
  version: number;
  inputs: TxInputFields[];
  outputs: TxOutputFields[];
  lockTime: number;
}

/**
 * The fields of a parsed tx. `parseTx` already checked every length against the bytes, so this
 * walk cannot run past them; it exists so apps never decode the format themselves.
 *
 * @example
 * const { inputs, outputs } = txFields(parseTxExact(bytes));
 */
export function txFields(tx: Tx): TxFields {
  const b = tx.bytes;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = tx.firstInput;
  const varint = (): number => {
    const r = readVarint(b, at);
    at += r.size;
    return r.value;
  };
  const slice = (n: number): Uint8Array => b.subarray(at, (at += n));
  const inputs: TxInputFields[] = [];
  for (let i = 0; i < tx.inputCount; i++) {
    const prevTxid = slice(32);
    const vout = v.getUint32(at, true);
    at += 4;
    const unlockingScript = slice(varint());
    const sequence = v.getUint32(at, true);
    at += 4;
    const input: TxInputFields = { prevTxid, vout, unlockingScript, sequence };
    if (tx.extended) {
      input.previousSatoshis = v.getBigUint64(at, true);
      at += 8;
      input.previousScript = slice(varint());
    }
    inputs.push(input);
  }
  at = tx.outputsAt;
  const outputs: TxOutputFields[] = [];
  for (let i = 0, n = varint(); i < n; i++) {
    const satoshis = v.getBigUint64(at, true);
    at += 8;
    outputs.push({ satoshis, lockingScript: slice(varint()) });
  }
  return { version: tx.version, inputs, outputs, lockTime: tx.locktime };
}
