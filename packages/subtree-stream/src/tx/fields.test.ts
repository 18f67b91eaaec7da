import { expect, test } from "bun:test";
import { MalformedTxError } from "../errors/malformed-tx-error.ts";
import { TruncatedTxError } from "../errors/truncated-tx-error.ts";
import { txFields } from "./fields.ts";
import { parseTxExact } from "./tx.ts";

const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return [...b];
};
const u64 = (n: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return [...b];
};
const prev = new Array(32).fill(0x11);

/** version 2; one input spending prev:3; outputs of 5000 and 7 sat; locktime 99. EF adds the spent output. */
function tx(extended: boolean): Uint8Array {
  return Uint8Array.from([
    ...u32(2),
    ...(extended ? [0, 0, 0, 0, 0, 0xef] : []),
    1,
    ...prev,
    ...u32(3),
    2,
    0xaa,
    0xbb,
    ...u32(0xfffffffe),
    ...(extended ? [...u64(1_000_000n), 1, 0x76] : []),
    2,
    ...u64(5000n),
    1,
    0x51,
    ...u64(7n),
    0,
    ...u32(99),
  ]);
}

test("every field of a standard and of an EF tx, byte fields as views of the tx", () => {
  for (const extended of [false, true]) {
    const bytes = tx(extended);
    const f = txFields(parseTxExact(bytes));
    expect(f.version).toBe(2);
    expect(f.lockTime).toBe(99);
    expect(f.inputs).toHaveLength(1);
    const [i] = f.inputs;
    expect([...i!.prevTxid]).toEqual(prev);
    expect(i!.vout).toBe(3);
    expect([...i!.unlockingScript]).toEqual([0xaa, 0xbb]);
    expect(i!.sequence).toBe(0xfffffffe);
    expect(i!.previousSatoshis).toBe(extended ? 1_000_000n : undefined);
    expect(i!.previousScript ? [...i!.previousScript] : undefined).toEqual(extended ? [0x76] : undefined);
    expect(f.outputs.map((o) => [o.satoshis, [...o.lockingScript]])).toEqual([
      [5000n, [0x51]],
      [7n, []],
    ]);
    expect(i!.unlockingScript.buffer).toBe(bytes.buffer);
  }
});

test("a cut or padded tx never reaches txFields: parseTxExact names what is wrong", () => {
  const bytes = tx(false);
  expect(() => parseTxExact(bytes.subarray(0, bytes.length - 3))).toThrow(TruncatedTxError);
  expect(() => parseTxExact(Uint8Array.from([...bytes, 0]))).toThrow(MalformedTxError);
});
