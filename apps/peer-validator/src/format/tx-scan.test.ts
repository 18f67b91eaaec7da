import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { requireVectors, vectorPath } from "@subtreekit/testkit";
import { displayHexAt, sha256dInto } from "./sha256d.ts";
import { newTxScan, scanTx, standardBytes, TxFormatError } from "./tx-scan.ts";

const vectors = requireVectors("peer-validator tx scanning");

function load(name: string): Uint8Array {
  const raw = readFileSync(vectorPath("txs", name));
  return name.endsWith(".hex")
    ? new Uint8Array(Buffer.from(raw.toString("latin1").trim(), "hex"))
    : new Uint8Array(raw);
}

// file, extended?, standard size, fee (from EF) — vectors/MANIFEST.md §5
const TXS: [string, boolean, number, number | undefined][] = [
  ["65cbf31895f6cab997e6c3688b2263808508adc69bcc9054eef5efac6f7895d3.bin", false, 102972, undefined],
  ["65cbf31895f6cab997e6c3688b2263808508adc69bcc9054eef5efac6f7895d3.bin.extended", true, 102972, 52494],
  ["9a87105441107db10d3e4cf2146022f754241b3b93c39539e2ce882a398e7d69.bin.extended", true, 34327, 17179],
  ["f568c66631de7b5842ebae84594cee00f7864132828997d09441fc2a937e9fab.hex", true, 43556, 0],
  ["f65ec8dcc934c8118f3c65f86083c2b7c28dad0579becd0cfe87243e576d9ae9", true, 4945, 2500],
  ["a3041ffd31b46f9bb6e4cd78c89287b405fb911e893a5dead18372400832abc6.hex", true, 205, 103],
];

test.skipIf(!vectors).each(TXS)("%s: end, txid, standard size and fee", (name, extended, size, fee) => {
  const tx = load(name);
  const scan = newTxScan();
  expect(scanTx(tx, 0, tx.length, 1 << 30, scan)).toBe(tx.length);
  expect(scan.extended).toBe(extended);
  expect(scan.size).toBe(size);
  expect(scan.fee).toBe(fee);
  expect(displayHexAt(sha256dInto(standardBytes(tx, 0, scan), new Uint8Array(32)))).toBe(name.slice(0, 64));
});

test.skipIf(!vectors)("stripping EF fields gives exactly the standard bytes", () => {
  const ef = load("65cbf31895f6cab997e6c3688b2263808508adc69bcc9054eef5efac6f7895d3.bin.extended");
  const std = load("65cbf31895f6cab997e6c3688b2263808508adc69bcc9054eef5efac6f7895d3.bin");
  const scan = newTxScan();
  scanTx(ef, 0, ef.length, 1 << 30, scan);
  expect(Buffer.from(standardBytes(ef, 0, scan)).equals(Buffer.from(std))).toBe(true);
});

test.skipIf(!vectors)("every prefix of a tx asks for more bytes; never a false end", () => {
  const tx = load("a3041ffd31b46f9bb6e4cd78c89287b405fb911e893a5dead18372400832abc6.hex");
  const scan = newTxScan();
  for (let n = 0; n < tx.length; n++) {
    const r = scanTx(tx, 0, n, 1 << 30, scan);
    expect(r).toBeLessThan(0);
    expect(-r).toBeGreaterThan(n);
  }
});

test.skipIf(!vectors)("a length field above max_tx_bytes is malformed, not a wait for more", () => {
  const tx = load("65cbf31895f6cab997e6c3688b2263808508adc69bcc9054eef5efac6f7895d3.bin");
  expect(() => scanTx(tx, 0, tx.length, 1000, newTxScan())).toThrow(TxFormatError);
});

test.skipIf(!vectors)("the coinbase of the 8ddeb subtree data is recognised, the other two txs are not", () => {
  const data = new Uint8Array(
    readFileSync(
      vectorPath("subtrees", "8ddeb634b22bcb3b5bbebdd74fdc4a4e2bfd92dc4a3f4c2ed43883607ab6a68a.subtreeData"),
    ),
  );
  const scan = newTxScan();
  const coinbase: boolean[] = [];
  for (let p = 0; p < data.length; ) {
    p = scanTx(data, p, data.length, 1 << 30, scan);
    coinbase.push(scan.coinbase);
  }
  expect(coinbase).toEqual([true, false, false]);
});
