import { toDisplayHex, toHex } from "@subtreekit/subtree-stream";

/** Minimal cursor over tx bytes (standard or EF). */
class Cursor {
  at = 0;
  readonly v: DataView;
  constructor(readonly b: Uint8Array) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  u32(): number {
    const x = this.v.getUint32(this.at, true);
    this.at += 4;
    return x;
  }
  u64(): number {
    const x = Number(this.v.getBigUint64(this.at, true));
    this.at += 8;
    return x;
  }
  varint(): number {
    const f = this.b[this.at++]!;
    if (f < 0xfd) return f;
    if (f === 0xfd) return this.v.getUint16((this.at += 2) - 2, true);
    if (f === 0xfe) return this.u32();
    return this.u64();
  }
  bytes(n: number): Uint8Array {
    if (this.at + n > this.b.length) throw new RangeError("tx is truncated");
    return this.b.subarray(this.at, (this.at += n));
  }
}

const EF_MARKER = [0, 0, 0, 0, 0, 0xef];

/**
 * go-bt's tx JSON shape (spec §1.2): `{txid, hex, inputs, outputs, version, lockTime}`; EF inputs
 * add `previousTxSatoshis` and `previousTxScript`. `hash` is the txid the store keyed it by.
 */
export function txJson(hash: Uint8Array, bytes: Uint8Array): Record<string, unknown> {
  const c = new Cursor(bytes);
  const version = c.u32();
  const extended = EF_MARKER.every((x, i) => bytes[4 + i] === x);
  if (extended) c.at += 6;
  const inputs = [];
  for (let i = 0, n = c.varint(); i < n; i++) {
    const prev = c.bytes(32);
    const vout = c.u32();
    const unlockingScript = toHex(c.bytes(c.varint()));
    const sequence = c.u32();
    const input: Record<string, unknown> = { unlockingScript, txid: toDisplayHex(prev.slice()), vout, sequence };
    if (extended) {
      input.previousTxSatoshis = c.u64();
      input.previousTxScript = toHex(c.bytes(c.varint()));
    }
    inputs.push(input);
  }
  const outputs = [];
  for (let i = 0, n = c.varint(); i < n; i++) {
    const satoshis = c.u64();
    outputs.push({ satoshis, lockingScript: toHex(c.bytes(c.varint())) });
  }
  const lockTime = c.u32();
  return { txid: toDisplayHex(hash), hex: toHex(bytes), inputs, outputs, version, lockTime };
}
