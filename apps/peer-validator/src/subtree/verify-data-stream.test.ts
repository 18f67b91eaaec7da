import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parseSubtreeNodes, sha256d, toDisplayHex } from "@subtreekit/subtree-stream";
import { mulberry32, requireVectors } from "@subtreekit/testkit";
import { VerificationError } from "../errors/verification-error.ts";
import { NodeHashes } from "./node-hashes.ts";
import { StagedSubtree } from "./staged.ts";
import { verifyDataStream } from "./verify-data-stream.ts";

/** `n` standard txs (1 input, 1 output) with scripts of random length, and their node hashes. */
function standardTxs(n: number, seed = 1): { data: Uint8Array; nodes: Uint8Array[] } {
  const rand = mulberry32(seed);
  const txs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const inLen = 1 + Math.floor(rand() * 120);
    const outLen = 1 + Math.floor(rand() * 60);
    const tx = new Uint8Array(4 + 1 + 36 + 1 + inLen + 4 + 1 + 8 + 1 + outLen + 4);
    for (let k = 0; k < tx.length; k++) tx[k] = Math.floor(rand() * 256);
    let p = 0;
    tx.set([1, 0, 0, 0, 1], p); // version, 1 input (byte 4 = 1 rules out the EF marker)
    p += 5 + 36;
    tx[p++] = inLen;
    p += inLen + 4;
    tx[p++] = 1; // 1 output
    p += 8;
    tx[p++] = outLen;
    txs.push(tx);
  }
  return { data: new Uint8Array(Buffer.concat(txs)), nodes: txs.map((t) => sha256d(t)) };
}

/** `data` as a body cut into chunks of `size` bytes (fresh buffers, as fetch hands them out). */
function body(data: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let p = 0;
  return new ReadableStream({
    pull(c) {
      if (p >= data.length) return c.close();
      c.enqueue(data.slice(p, p + size));
      p += size;
    },
  });
}

const where = { peer: "http://peer/api/v1", url: "http://peer/api/v1/subtree_data/x", subtree: "x" };

async function verify(data: Uint8Array, nodes: Uint8Array[], chunk: number, known = false) {
  const staged = new StagedSubtree(nodes.length);
  const sunk: Uint8Array[] = [];
  const r = await verifyDataStream(body(data, chunk), {
    nodes: NodeHashes.of(nodes),
    known: new Uint8Array(nodes.length).fill(known ? 1 : 0),
    staged,
    maxTxBytes: 1 << 20,
    signal: new AbortController().signal,
    sink: (b) => void sunk.push(b.slice()),
    ...where,
  });
  return { ...r, staged, sunk, sinkBytes: new Uint8Array(Buffer.concat(sunk)) };
}

test("the sink gets exactly the body, in ranges of whole chunks, however the body is cut", async () => {
  const { data, nodes } = standardTxs(500);
  for (const size of [1, 7, 100, 333, 4096, 65536, data.length]) {
    const r = await verify(data, nodes, size);
    expect(r.txs).toBe(500);
    expect(r.bytes).toBe(data.length);
    expect(Buffer.compare(r.sinkBytes, data)).toBe(0);
    // one range per chunk, plus one per tx that straddled into it: never one write per tx
    const chunks = Math.ceil(data.length / size);
    expect(r.sunk.length).toBeLessThanOrEqual(Math.min(500, 2 * chunks));
    expect(r.staged.txs.length).toBe(500);
    let p = 0;
    for (const [i, t] of r.staged.txs.entries()) {
      expect(t.hash).toEqual(nodes[i]!);
      expect(Buffer.compare(t.standard, data.subarray(p, p + t.size))).toBe(0);
      expect(r.staged.sizes[i]).toBe(t.size);
      p += t.size;
    }
  }
});

test("txs the store already has are not staged, but their sizes are", async () => {
  const { data, nodes } = standardTxs(50, 2);
  const r = await verify(data, nodes, 1000, true);
  expect(r.staged.txs.length).toBe(0);
  expect([...r.staged.sizes].reduce((a, b) => a + b, 0)).toBe(data.length);
});

test("tx k that does not hash to node k names peer, subtree, index, expected and actual", async () => {
  const { data, nodes } = standardTxs(40, 3);
  // flip a byte inside tx 17's output script: still a well-formed tx, with another txid
  const { staged } = await verify(data, nodes, 4096);
  let p = 0;
  for (let i = 0; i < 17; i++) p += staged.sizes[i]!;
  const bad = data.slice();
  bad[p + staged.sizes[17]! - 6]! ^= 0xff;
  const err = await verify(bad, nodes, 4096).catch((e) => e);
  expect(err).toBeInstanceOf(VerificationError);
  expect(err.code).toBe("TX_MISMATCH");
  expect(err.detail.index).toBe(17);
  expect(err.detail.expected).toBe(toDisplayHex(nodes[17]!));
  expect(err.message).toContain(
    `${where.peer}: subtree x: tx at index 17 is ${err.detail.actual}, expected ${toDisplayHex(nodes[17]!)}`,
  );
});

test("a body that ends inside a tx is TRUNCATED, however it is cut", async () => {
  const { data, nodes } = standardTxs(20, 4);
  for (const size of [1, 64, data.length]) {
    const err = await verify(data.subarray(0, data.length - 3), nodes, size).catch((e) => e);
    expect(err).toBeInstanceOf(VerificationError);
    expect(err.code).toBe("TRUNCATED");
    expect(err.detail.index).toBe(19);
  }
});

const vectors = requireVectors("peer-validator verifyDataStream on EF data");
test.skipIf(!vectors)(
  "EF data (171 subtree b6b4…): standard forms, fees and the sink are the same however cut",
  async () => {
    const ST = "b6b4a947cfe907494ebcb3b704d02dbc10b9e6fb647a3387ab464f3d6cb03139";
    const data = new Uint8Array(readFileSync(`${vectors}/171/${ST}.subtree_data`));
    const nodes = parseSubtreeNodes(new Uint8Array(readFileSync(`${vectors}/171/${ST}.subtree`)));
    const whole = await verify(data, nodes, data.length);
    expect(whole.staged.txs.length).toBe(nodes.length);
    expect(whole.staged.txs.every((t) => t.extended !== undefined && t.standard.length < t.extended.length)).toBe(true);
    for (const size of [1, 50, 1000]) {
      const r = await verify(data, nodes, size);
      expect(Buffer.compare(r.sinkBytes, data)).toBe(0);
      expect([...r.staged.fees]).toEqual([...whole.staged.fees]);
      expect([...r.staged.sizes]).toEqual([...whole.staged.sizes]);
      expect(r.staged.txs.map((t) => toDisplayHex(sha256d(t.standard)))).toEqual(nodes.map((h) => toDisplayHex(h)));
    }
  },
);

test.skipIf(!vectors)(
  "a leading coinbase in the placeholder's slot (8ddeb…) is verified but left out of the sink",
  async () => {
    const data = new Uint8Array(
      readFileSync(`${vectors}/subtrees/8ddeb634b22bcb3b5bbebdd74fdc4a4e2bfd92dc4a3f4c2ed43883607ab6a68a.subtreeData`),
    );
    // the Go test's nodes: the placeholder, then the two non-coinbase txs (display form)
    const nodes = [
      "ff".repeat(32),
      "737218c851dba7b8ebc3478a859fff4f2a4750c122d4d0a2fcfbf455a1ba3553",
      "5ea59611a2c4dca13c2fd29b5fd22346253df89bc3f95cd5c19e88cb24087e56",
    ].map((h) => new Uint8Array(Buffer.from(h, "hex").reverse()));
    for (const size of [1, 121, 122, 5000, data.length]) {
      const r = await verify(data, nodes, size);
      expect(r.txs).toBe(3);
      expect(r.bytes).toBe(data.length);
      // the coinbase is the first 121 bytes
      expect(Buffer.compare(r.sinkBytes, data.subarray(121))).toBe(0);
      expect(r.staged.txs.map((t) => toDisplayHex(t.hash))).toEqual(nodes.slice(1).map((h) => toDisplayHex(h)));
      expect(r.staged.sizes[0]).toBe(0);
    }
  },
);
