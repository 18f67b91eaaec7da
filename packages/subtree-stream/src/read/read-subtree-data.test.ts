import { describe, expect, test } from "bun:test";
import { SubtreeLengthMismatchError } from "../errors/subtree-length-mismatch-error.ts";
import { TruncatedTxError } from "../errors/truncated-tx-error.ts";
import { TxHashMismatchError } from "../errors/tx-hash-mismatch-error.ts";
import { bytesEqual, fromDisplayHex, toDisplayHex } from "../hash.ts";
import { parseSubtreeNodes } from "../subtree/nodes.ts";
import { readSubtreeNodes } from "../subtree/read-nodes.ts";
import { collect, facts, streamOf, VEC, vec } from "../testdata/helpers.ts";
import { toStandardBytes } from "../tx/standard.ts";
import { readSubtreeData, readSubtreeDataBatches, readTxs } from "./index.ts";

const E973 = "subtrees/e973de16e606750feed45d7b02dcf493887ef27acabbd7913710b9f3454f2555";
const D8DDEB = "subtrees/8ddeb634b22bcb3b5bbebdd74fdc4a4e2bfd92dc4a3f4c2ed43883607ab6a68a.subtreeData";

describe.skipIf(!VEC)("readSubtreeData conformance", () => {
  test("block 171: every subtree_data tx matches its node (EF), counts, sizes, first/last txids", async () => {
    const f = facts().block171;
    let total = 0;
    let std = 0;
    for (const s of f.subtrees) {
      const nodes = parseSubtreeNodes(vec(`171/${s.subtree}.subtree`));
      const data = vec(`171/${s.subtree}.subtree_data`);
      expect(data.length).toBe(s.subtree_data_bytes);
      const txs = await collect(readSubtreeData(streamOf(data, [4096, 5000]), nodes));
      expect(txs.length).toBe(s.txs_in_data);
      const first = s.node0_is_coinbase_placeholder ? 1 : 0;
      expect(txs.map((t) => t.index)).toEqual(Array.from({ length: txs.length }, (_, i) => i + first));
      expect(txs.every((t) => t.extended === s.all_extended)).toBe(true);
      expect(toDisplayHex(txs[0]?.txid as Uint8Array)).toBe(s.first_txid);
      expect(toDisplayHex(txs.at(-1)?.txid as Uint8Array)).toBe(s.last_txid);
      expect(txs.reduce((n, t) => n + toStandardBytes(t.bytes).length, 0)).toBe(s.data_std_bytes);
      // `bytes` is the tx as received: the concatenation is the body.
      expect(txs.reduce((n, t) => n + t.bytes.length, 0)).toBe(data.length);
      total += data.length;
      std += s.data_std_bytes;
    }
    expect(total).toBe(f.block.subtree_data_total_bytes);
    expect(std).toBe(f.block.non_coinbase_std_bytes);
  });

  test("e973: standard txs, tx i ↔ node i, data = concatenation of standard bytes", async () => {
    const f = facts().e973;
    const nodes = parseSubtreeNodes(vec(`${E973}.subtree`));
    const data = vec(`${E973}.subtreeData`);
    const txs = await collect(readSubtreeData(streamOf(data, [1, 2, 3, 100_000]), nodes));
    expect(txs.length).toBe(f.txs);
    expect(txs.every((t, i) => t.index === i && !t.extended && bytesEqual(t.txid, nodes[i] as Uint8Array))).toBe(true);
    expect(toDisplayHex(txs[0]?.txid as Uint8Array)).toBe(f.first_txid);
    expect(toDisplayHex(txs.at(-1)?.txid as Uint8Array)).toBe(f.last_txid);
  });

  test("8ddeb: a leading coinbase takes the placeholder slot (index 0), then nodes 1 and 2", async () => {
    const f = facts()["8ddeb"];
    const nodes = (f.nodes_display as string[]).map(fromDisplayHex);
    const txs = await collect(readSubtreeData(streamOf(vec(D8DDEB), [50, 121, 122, 20_000]), nodes));
    expect(txs.map((t) => t.index)).toEqual([0, 1, 2]);
    expect(txs.map((t) => toDisplayHex(t.txid))).toEqual(f.txs.map((t: { txid: string }) => t.txid));
    expect(txs.map((t) => t.bytes.length)).toEqual(f.txs.map((t: { bytes: number }) => t.bytes));
  });

  test("nodes streamed as chunks (readSubtreeNodes) verify the same as an array", async () => {
    const nodesBytes = vec(`${E973}.subtree`);
    const data = vec(`${E973}.subtreeData`);
    const txs = await collect(
      readSubtreeData(streamOf(data), readSubtreeNodes(streamOf(nodesBytes, [1000]), { chunkNodes: 100 })),
    );
    expect(txs.length).toBe(1024);
    const nodes = parseSubtreeNodes(nodesBytes);
    expect(txs.every((t, i) => bytesEqual(t.txid, nodes[i] as Uint8Array))).toBe(true);
    // Too few nodes in the stream → too many txs.
    const short = nodesBytes.subarray(0, 32 * 1000);
    await expect(collect(readSubtreeData(streamOf(data), readSubtreeNodes(streamOf(short))))).rejects.toBeInstanceOf(
      SubtreeLengthMismatchError,
    );
  });

  test("readTxs: unordered batch yields every tx with its txid", async () => {
    const data = vec(D8DDEB);
    const txs = await collect(readTxs(streamOf(data, [7000])));
    expect(txs.map((t) => toDisplayHex(t.txid))).toEqual(facts()["8ddeb"].txs.map((t: { txid: string }) => t.txid));
  });

  test("errors: mismatch, too many, too few, truncated — typed, with index and offset", async () => {
    const nodes = parseSubtreeNodes(vec(`${E973}.subtree`));
    const data = vec(`${E973}.subtreeData`);
    const swapped = [nodes[1], nodes[0], ...nodes.slice(2)] as Uint8Array[];
    const mismatch = await collect(readSubtreeData(streamOf(data), swapped)).catch((e) => e);
    expect(mismatch).toBeInstanceOf(TxHashMismatchError);
    expect([mismatch.index, mismatch.offset, mismatch.expected]).toEqual([0, 0, toDisplayHex(nodes[1] as Uint8Array)]);
    expect(mismatch.actual).toBe(toDisplayHex(nodes[0] as Uint8Array));

    const tooMany = await collect(readSubtreeData(streamOf(data), nodes.slice(0, 1000))).catch((e) => e);
    expect(tooMany).toBeInstanceOf(SubtreeLengthMismatchError);
    expect([tooMany.code, tooMany.expected]).toEqual(["TOO_MANY_TXS", 1000]);

    const txs = await collect(readSubtreeData(streamOf(data), nodes));
    const cut = txs.at(-1)?.offset as number;
    const tooFew = await collect(readSubtreeData(streamOf(data.subarray(0, cut)), nodes)).catch((e) => e);
    expect(tooFew).toBeInstanceOf(SubtreeLengthMismatchError);
    expect([tooFew.code, tooFew.expected, tooFew.actual]).toEqual(["TOO_FEW_TXS", 1024, 1023]);

    const truncated = await collect(readSubtreeData(streamOf(data.subarray(0, cut + 50)), nodes)).catch((e) => e);
    expect(truncated).toBeInstanceOf(TruncatedTxError);
    expect([truncated.offset, truncated.available, truncated.index]).toEqual([cut, 50, 1023]);
  });

  test("abort: a stalled body is cancelled and the read rejects with the reason", async () => {
    const nodes = parseSubtreeNodes(vec(`${E973}.subtree`));
    const data = vec(`${E973}.subtreeData`);
    let cancelled: unknown;
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(data.subarray(0, 1000));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const ac = new AbortController();
    const it = readSubtreeDataBatches(stalled, nodes, { signal: ac.signal });
    const first = await it.next();
    expect(first.done).toBe(false);
    const pending = it.next();
    const reason = new Error("client gone");
    ac.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(cancelled).toBe(reason);
  });

  test("breaking out of the loop cancels the body", async () => {
    const nodes = parseSubtreeNodes(vec(`${E973}.subtree`));
    const data = vec(`${E973}.subtreeData`);
    let cancelled = false;
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(data.subarray(i, i + 1000));
        i += 1000;
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const tx of readSubtreeData(body, nodes)) if (tx.index === 3) break;
    expect(cancelled).toBe(true);
  });
});

describe.skipIf(!VEC)("over real HTTP", () => {
  test("fetch /subtree and /subtree_data of a real block-171 subtree from a server and verify every tx", async () => {
    const hash = "dc89416c1ec67010d45f9a9ca614dd17412a4f7c47b86908e5fd15473da83e6d";
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        const m = /^\/api\/v1\/(subtree|subtree_data)\/([0-9a-f]{64})$/.exec(new URL(req.url).pathname);
        if (!m) return new Response("not found", { status: 404 });
        return new Response(vec(`171/${m[2]}.${m[1]}`) as Uint8Array<ArrayBuffer>);
      },
    });
    try {
      const base = `http://127.0.0.1:${server.port}/api/v1`;
      const nodesRes = await fetch(`${base}/subtree/${hash}`);
      const nodes = parseSubtreeNodes(new Uint8Array(await nodesRes.arrayBuffer()));
      const dataRes = await fetch(`${base}/subtree_data/${hash}`);
      const verified: Uint8Array[] = [];
      for await (const tx of readSubtreeData(dataRes.body as ReadableStream<Uint8Array>, nodes, {
        signal: AbortSignal.timeout(30_000),
      })) {
        verified.push(tx.extended ? toStandardBytes(tx.bytes) : tx.bytes);
      }
      expect(verified.length).toBe(31);
      expect(verified.reduce((n, b) => n + b.length, 0)).toBe(facts().block171.subtrees[0].data_std_bytes);
    } finally {
      server.stop(true);
    }
  });
});
