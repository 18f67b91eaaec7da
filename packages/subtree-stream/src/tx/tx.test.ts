import { describe, expect, test } from "bun:test";
import { MalformedTxError } from "../errors/malformed-tx-error.ts";
import { TruncatedTxError } from "../errors/truncated-tx-error.ts";
import { bytesEqual, toDisplayHex } from "../hash.ts";
import { facts, VEC, vec } from "../testdata/helpers.ts";
import { writeVarint } from "../varint.ts";
import { isCoinbase, parseTx, parseTxExact, standardSize, toStandardBytes, txFee, txid } from "./index.ts";

describe.skipIf(!VEC)("tx conformance (vectors/txs and the legacy EF tx)", () => {
  for (const t of VEC ? facts().txs : []) {
    test(`${t.file}: txid, format, counts, sizes, fee`, () => {
      const bytes = vec(t.file, t.encoding !== "binary");
      expect(bytes.length).toBe(t.bytes);
      const tx = parseTxExact(bytes);
      expect(tx.size).toBe(t.bytes);
      expect(toDisplayHex(txid(tx))).toBe(t.txid);
      expect(tx.extended).toBe(t.extended);
      expect(tx.inputCount).toBe(t.inputs);
      expect(tx.outputCount).toBe(t.outputs);
      expect(tx.version).toBe(t.version);
      expect(standardSize(tx)).toBe(t.std_bytes);
      expect(toStandardBytes(tx).length).toBe(t.std_bytes);
      expect(txFee(tx)).toBe(t.extended ? t.fee_sats : undefined);
      expect(isCoinbase(tx)).toBe(false);
      // The txid of the stripped bytes parsed on their own is the same.
      const std = parseTxExact(toStandardBytes(tx));
      expect(std.extended).toBe(false);
      expect(toDisplayHex(txid(std))).toBe(t.txid);
    });
  }

  test("stripping EF from 65cbf….bin.extended gives exactly 65cbf….bin", () => {
    const name = "txs/65cbf31895f6cab997e6c3688b2263808508adc69bcc9054eef5efac6f7895d3.bin";
    expect(bytesEqual(toStandardBytes(vec(`${name}.extended`)), vec(name))).toBe(true);
  });

  test("the 8ddeb leading tx is a coinbase with the facts' txid, the next is not", () => {
    const f = facts();
    const data = vec("subtrees/8ddeb634b22bcb3b5bbebdd74fdc4a4e2bfd92dc4a3f4c2ed43883607ab6a68a.subtreeData");
    const cb = parseTx(data);
    expect(cb.size).toBe(f["8ddeb"].txs[0].bytes);
    expect(isCoinbase(cb)).toBe(true);
    expect(toDisplayHex(txid(cb))).toBe(f["8ddeb"].txs[0].txid);
    expect(isCoinbase(parseTx(data, cb.size))).toBe(false);
  });
});

/** version 1 | nIn | one input (zero script) | nOut | one output | locktime */
function tinyTx(): Uint8Array {
  const out = new Uint8Array(4 + 1 + 41 + 1 + 9 + 4);
  out[0] = 1;
  out[4] = 1;
  out[5 + 36] = 0; // script length
  out[5 + 41] = 1; // nOut
  return out;
}

describe("tx bounds", () => {
  test("a minimal standard tx parses", () => {
    const tx = parseTxExact(tinyTx());
    expect(tx.inputCount).toBe(1);
    expect(tx.outputCount).toBe(1);
    expect(tx.extended).toBe(false);
  });

  test("an impossible input count is MalformedTxError at the count's offset, without allocating", () => {
    const bytes = new Uint8Array(64);
    bytes[0] = 1;
    bytes.set(Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0x0f), 4); // ~268M inputs
    const err = catchErr(() => parseTx(bytes));
    expect(err).toBeInstanceOf(MalformedTxError);
    expect((err as MalformedTxError).code).toBe("TX_BAD_COUNT");
    expect((err as MalformedTxError).offset).toBe(9);
  });

  test("a varint above 2^53 is MalformedTxError", () => {
    const bytes = new Uint8Array(64);
    bytes.set(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 4);
    const err = catchErr(() => parseTx(bytes));
    expect((err as MalformedTxError).code).toBe("TX_BAD_VARINT");
  });

  test("a script length beyond maxTxBytes is TX_TOO_LARGE before the bytes exist", () => {
    const tx = tinyTx();
    const big = new Uint8Array(tx.length + 8);
    big.set(tx.subarray(0, 5 + 36));
    big.set(writeVarint(200 * 1024 * 1024), 5 + 36); // 200 MiB script
    const err = catchErr(() => parseTx(big));
    expect((err as MalformedTxError).code).toBe("TX_TOO_LARGE");
    expect(catchErr(() => parseTx(tinyTx(), 0, { maxTxBytes: 20 }))).toBeInstanceOf(MalformedTxError);
  });

  test("every truncation of a real tx is TruncatedTxError, never a parse", () => {
    const bytes = VEC
      ? vec("txs/a3041ffd31b46f9bb6e4cd78c89287b405fb911e893a5dead18372400832abc6.hex", true)
      : tinyTx();
    for (let n = 0; n < bytes.length; n++) {
      const err = catchErr(() => parseTx(bytes.subarray(0, n)));
      expect(err instanceof TruncatedTxError || err instanceof MalformedTxError).toBe(true);
    }
  });

  test("trailing bytes are rejected by parseTxExact", () => {
    const bytes = new Uint8Array(tinyTx().length + 1);
    bytes.set(tinyTx());
    expect((catchErr(() => parseTxExact(bytes)) as MalformedTxError).code).toBe("TX_TRAILING_BYTES");
  });
});

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
