import type { Prng } from "./prng.ts";

// Layout of one input with a P2PKH-sized unlocking script (sig push 72 + pubkey push 33).
const UNLOCK_BYTES = 107;
const INPUT_BYTES = 32 + 4 + 1 + UNLOCK_BYTES + 4;
const P2PKH_OUTPUT_BYTES = 8 + 1 + 25;
// version | nIn | input | nOut | P2PKH output | locktime, before the OP_RETURN output.
const FIXED_BYTES = 4 + 1 + INPUT_BYTES + 1 + P2PKH_OUTPUT_BYTES + 4;
// Random bytes that padding is copied from: varied content without a PRNG call per byte.
const POOL_BYTES = 1 << 16;

const varintLen = (n: number) => (n < 0xfd ? 1 : n <= 0xffff ? 3 : 5);
const pushOpLen = (n: number) => (n <= 75 ? 1 : n <= 0xff ? 2 : n <= 0xffff ? 3 : 5);
// OP_FALSE OP_RETURN <push P bytes>
const dataScriptLen = (pad: number) => 2 + pushOpLen(pad) + pad;
const totalFor = (pad: number) => FIXED_BYTES + 8 + varintLen(dataScriptLen(pad)) + dataScriptLen(pad);

/**
 * Makes standard transactions of about `txBytes` bytes (exactly, from 204 bytes up): one input
 * spending a random outpoint, one P2PKH output and an `OP_FALSE OP_RETURN` data output whose
 * push pads the tx to size. Signatures are random bytes — the txs parse and hash like real ones,
 * which is all serving and peer validation look at; nobody executes their scripts.
 */
export class SyntheticTxFactory {
  readonly size: number;
  readonly #pad: number;
  readonly #pool: Uint8Array;

  constructor(
    readonly prng: Prng,
    txBytes: number,
    // A fork shares the padding pool rather than drawing a new one from the PRNG.
    from?: { pad: number; size: number; pool: Uint8Array },
  ) {
    if (from) {
      this.#pad = from.pad;
      this.size = from.size;
      this.#pool = from.pool;
      return;
    }
    let pad = Math.max(0, txBytes - totalFor(0));
    while (pad > 0 && totalFor(pad) > txBytes) pad--;
    this.#pad = pad;
    this.size = totalFor(pad);
    this.#pool = prng.fill(new Uint8Array(POOL_BYTES + pad));
  }

  /**
   * A factory that makes the same txs as this one from here on, without moving this one: `seed`
   * replays a subtree's txs to write its file once the root is known.
   */
  fork(): SyntheticTxFactory {
    return new SyntheticTxFactory(this.prng.clone(), this.size, { pad: this.#pad, size: this.size, pool: this.#pool });
  }

  /** The next transaction (standard serialization). */
  next(): Uint8Array {
    const r = this.prng;
    const out = new Uint8Array(this.size);
    const v = new DataView(out.buffer);
    let p = 0;
    v.setUint32(p, 1, true);
    p += 4;
    out[p++] = 1;
    r.fill(out.subarray(p, p + 32));
    p += 32;
    v.setUint32(p, r.below(4), true);
    p += 4;
    out[p++] = UNLOCK_BYTES;
    out[p++] = 72;
    r.fill(out.subarray(p, p + 72));
    out[p] = 0x30;
    out[p + 71] = 0x41; // SIGHASH_ALL|FORKID
    p += 72;
    out[p++] = 33;
    r.fill(out.subarray(p, p + 33));
    out[p] = 0x02 + (out[p + 1]! & 1);
    p += 33;
    v.setUint32(p, 0xffff_ffff, true);
    p += 4;
    out[p++] = 2;
    v.setUint32(p, 1000 + r.below(1_000_000), true);
    p += 8;
    out.set([25, 0x76, 0xa9, 0x14], p);
    p += 4;
    r.fill(out.subarray(p, p + 20));
    p += 20;
    out[p++] = 0x88;
    out[p++] = 0xac;
    p += 8; // zero-value data output
    const pad = this.#pad;
    const scriptLen = dataScriptLen(pad);
    if (scriptLen < 0xfd) out[p++] = scriptLen;
    else if (scriptLen <= 0xffff) {
      out[p++] = 0xfd;
      v.setUint16(p, scriptLen, true);
      p += 2;
    } else {
      out[p++] = 0xfe;
      v.setUint32(p, scriptLen, true);
      p += 4;
    }
    out[p++] = 0x00;
    out[p++] = 0x6a;
    if (pad <= 75) out[p++] = pad;
    else if (pad <= 0xff) {
      out[p++] = 0x4c;
      out[p++] = pad;
    } else if (pad <= 0xffff) {
      out[p++] = 0x4d;
      v.setUint16(p, pad, true);
      p += 2;
    } else {
      out[p++] = 0x4e;
      v.setUint32(p, pad, true);
      p += 4;
    }
    const from = r.below(POOL_BYTES);
    out.set(this.#pool.subarray(from, from + pad), p);
    p += pad;
    v.setUint32(p, 0, true); // locktime
    return out;
  }
}
