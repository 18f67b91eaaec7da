// Installed-tarball check of the main entry (run by packages/testkit/src/packaging.test.ts under
// Node 20 and Bun).
import assert from "node:assert/strict";
import {
  fromDisplayHex,
  isCoinbase,
  MalformedTxError,
  MerkleBuilder,
  merkleRoot,
  parseTx,
  readSubtreeData,
  sha256d,
  TruncatedTxError,
  toDisplayHex,
  txid,
} from "@subtreekit/subtree-stream";

// Merkle of 3 leaves = H(H(a‖b) ‖ H(c‖c)), the go-subtree / Bitcoin rule.
const leaves = [1, 2, 3].map((n) => new Uint8Array(32).fill(n));
const cat = (x, y) => {
  const out = new Uint8Array(64);
  out.set(x);
  out.set(y, 32);
  return out;
};
const expected = sha256d(cat(sha256d(cat(leaves[0], leaves[1])), sha256d(cat(leaves[2], leaves[2]))));
assert.deepEqual(merkleRoot(leaves), expected);
const builder = new MerkleBuilder();
for (const leaf of leaves) builder.push(leaf);
assert.deepEqual(builder.root(), expected);

// A coinbase-shaped tx: 1 input with a zero prev txid and vout 0xFFFFFFFF, 1 output.
const tx = new Uint8Array(4 + 1 + 41 + 1 + 9 + 4);
tx[0] = 1;
tx[4] = 1;
tx.fill(0xff, 37, 41);
tx[46] = 1;
const parsed = parseTx(tx);
assert.equal(parsed.size, tx.length);
assert.equal(parsed.extended, false);
assert.ok(isCoinbase(parsed));
assert.equal(toDisplayHex(txid(parsed)), toDisplayHex(sha256d(tx)));
assert.deepEqual(fromDisplayHex(toDisplayHex(expected)), expected);
assert.throws(() => parseTx(tx.subarray(0, 8)), TruncatedTxError);
assert.ok(new MalformedTxError("TX_BAD_COUNT", "x", 1) instanceof Error);

// The verified reader over a one-tx body.
const body = new ReadableStream({
  start(c) {
    c.enqueue(tx.subarray(0, 7));
    c.enqueue(tx.subarray(7));
    c.close();
  },
});
const got = [];
for await (const t of readSubtreeData(body, [sha256d(tx)])) got.push(t.index);
assert.deepEqual(got, [0]);
console.log("ok");
