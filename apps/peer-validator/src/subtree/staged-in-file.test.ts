import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { truncateSync } from "node:fs";
import { join } from "node:path";
import { parseTx, toDisplayHex, toStandardBytes, txFee, txid } from "@subtreekit/subtree-stream";
import { validateSubtree } from "../index.ts";
import { type RealServer, startRealServer } from "../testing/asset-server.ts";
import { type ImportedBlock, importBlock, syntheticTx } from "../testing/model-import.ts";
import { type TempStores, tempStores } from "../testing/temp-stores.ts";
import type { BlobWriter, LocatedBatch, TxRecord, TxStoreLike } from "../types.ts";
import { NodeHashes } from "./node-hashes.ts";
import { StagedSubtree } from "./staged.ts";
import { StagedInFile, type StagingFile } from "./staged-in-file.ts";
import { verifyDataStream } from "./verify-data-stream.ts";

/** A 1-input tx in Extended Format (BIP-239) spending 1,000,000 sat, and its standard form. */
function efTx(): { ef: Uint8Array; standard: Uint8Array } {
  const standard = syntheticTx(250); // 249 bytes, 1 input whose script length is byte 41
  const inputEnd = 42 + standard[41]! + 4;
  const prevScript = crypto.getRandomValues(new Uint8Array(25));
  const ef = Uint8Array.from([
    ...standard.subarray(0, 4),
    ...[0, 0, 0, 0, 0, 0xef],
    ...standard.subarray(4, inputEnd),
    ...[0x40, 0x42, 0x0f, 0, 0, 0, 0, 0],
    25,
    ...prevScript,
    ...standard.subarray(inputEnd),
  ]);
  return { ef, standard };
}

/**
 * The real store behind a counter of what each batch (one `putTxs` array or one pulled batch)
 * hands over: records, tx bytes held (a located record holds none), and located records' files.
 * `failAfter` batches, the next pull throws (failure injection: a disk failing mid-commit).
 */
class RecordingTxStore implements TxStoreLike {
  readonly handed: number[] = [];
  readonly bytes: number[] = [];
  readonly homes = new Set<string>();
  located = 0;
  constructor(
    readonly inner: TempStores["txStore"],
    readonly failAfter = Number.POSITIVE_INFINITY,
  ) {}
  has(hashes: Uint8Array[], options?: { signal?: AbortSignal }) {
    return this.inner.has(hashes, options);
  }
  putTxs(txs: TxRecord[], options?: { signal?: AbortSignal }) {
    if (this.failAfter < 1) throw new Error("injected: disk failed");
    this.#count(txs);
    return this.inner.putTxs(txs, options);
  }
  putTxBatches(batches: Iterable<TxRecord[] | LocatedBatch>, options?: { signal?: AbortSignal }) {
    const self = this;
    function* observed(): Generator<TxRecord[] | LocatedBatch> {
      for (const batch of batches) {
        if (self.handed.length >= self.failAfter) throw new Error("injected: disk failed");
        self.#count(batch);
        yield batch;
      }
    }
    return this.inner.putTxBatches!(observed(), options);
  }
  #count(batch: TxRecord[] | LocatedBatch) {
    if (!Array.isArray(batch)) {
      const n = batch.lengths.length;
      this.handed.push(n);
      this.located += n;
      this.homes.add(batch.path);
      this.bytes.push(0);
      return;
    }
    this.handed.push(batch.length);
    this.bytes.push(batch.reduce((a, r) => a + r.standard.length + (r.extended?.length ?? 0), 0));
  }
}

const BATCH_BYTES = 8 * 1024;
const temps: TempStores[] = [];
afterAll(async () => {
  for (const t of temps) await t.close();
});
const MIN_TX = 249;

describe("a streamed subtree's missing txs are staged in its temp file, not in memory (real server, port 0)", () => {
  let server: RealServer;
  let block: ImportedBlock;
  /** Subtree 1's txs as served (every third EF), with their standard forms. */
  const served: { raw: Uint8Array; standard: Uint8Array; ef: boolean }[] = [];

  beforeAll(async () => {
    server = await startRealServer();
    const txs: Uint8Array[] = [];
    for (let i = 0; i < 2 * 1024; i++) {
      if (i % 3 === 1) {
        const { ef, standard } = efTx();
        txs.push(ef);
        if (i >= 1024) served.push({ raw: ef, standard, ef: true });
      } else {
        const t = syntheticTx(250);
        txs.push(t);
        if (i >= 1024) served.push({ raw: t, standard: t, ef: false });
      }
    }
    // with the .subtreeData files: the server streams them as they are, EF txs included
    block = await importBlock(
      server,
      { header: crypto.getRandomValues(new Uint8Array(80)), txs, height: 7 },
      1024,
      true,
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  test("stores exactly the missing txs (standard form, EF form, fee): standard ones as their place in the published data file, EF ones as ≤ one batch of bytes at a time", async () => {
    const { raw: ef, standard } = served.find((t) => t.ef)!;
    expect(parseTx(ef).extended).toBe(true);
    expect(toStandardBytes(ef)).toEqual(standard);
    expect(txFee(parseTx(ef))).toBe(990_000);

    const st = await tempStores();
    temps.push(st);
    // every 5th tx is known already (put without its EF form): 80 % missing, so the data path
    const known = served.filter((_, i) => i % 5 === 0);
    await st.txStore.putTxs(known.map((t) => ({ hash: txid(t.raw), standard: t.standard, size: t.standard.length })));
    const txStore = new RecordingTxStore(st.txStore);
    const r = await validateSubtree({
      hash: block.subtrees[1]!,
      peers: [server.api],
      txStore,
      blobStore: st.blobStore,
      settings: { peer_commit_batch_bytes: BATCH_BYTES },
    });
    const missing = served.length - known.length;
    expect(r.path).toBe("data");
    expect(r.stored).toBe(missing);
    expect(txStore.handed.reduce((a, b) => a + b, 0)).toBe(missing);
    // Standard txs are indexed where they lie in the published file: the commit reads none of them.
    const hash = block.subtrees[1]!;
    const dataPath = join(st.dir, "subtreestore", hash.slice(0, 2), `${hash}.subtreeData`);
    const missingEf = served.filter((t, i) => t.ef && i % 5 !== 0).length;
    expect(txStore.located).toBe(missing - missingEf);
    expect([...txStore.homes]).toEqual([dataPath]);
    // The bound: EF txs (stored as bytes: the file holds their EF form) come ≤ a batch of bytes at a time.
    expect(Math.max(...txStore.bytes)).toBeLessThanOrEqual(BATCH_BYTES);
    expect(txStore.bytes.reduce((a, b) => a + b, 0)).toBeGreaterThan(missingEf * MIN_TX);
    // EF txs are a third of these: ~270 of them × ~530 bytes held, in 8 KiB batches.
    expect(txStore.handed.length).toBeGreaterThan(10);

    expect(await st.txStore.count()).toBe(served.length);
    let wrong = 0;
    for (const [i, t] of served.entries()) {
      const got = await st.txStore.getTx(txid(t.raw));
      const wasKnown = i % 5 === 0;
      const ok =
        got !== undefined &&
        Bun.deepEquals(got.standard, t.standard) &&
        got.size === t.standard.length &&
        (t.ef && !wasKnown ? Bun.deepEquals(got.extended, t.raw) && got.fee === 990_000n : got.extended === undefined);
      if (!ok) wrong++;
    }
    expect(wrong).toBe(0);
    const data = await st.blobStore.get(Buffer.from(hash, "hex").reverse(), "subtreeData");
    expect(Buffer.compare(data!, Buffer.concat(served.map((t) => t.raw)))).toBe(0);
    expect(st.files()).toEqual([`${hash.slice(0, 2)}/${hash}.subtree`, `${hash.slice(0, 2)}/${hash}.subtreeData`]);
  });

  test("failure injection: the store fails at the commit's first batch: no tx, no subtree, no temp file (the verified data file stays); a retry then stores it", async () => {
    const st = await tempStores();
    temps.push(st);
    const hash = block.subtrees[0]!;
    const failing = new RecordingTxStore(st.txStore, 0);
    const run = (txStore: TxStoreLike) =>
      validateSubtree({
        hash,
        peers: [server.api],
        txStore,
        blobStore: st.blobStore,
        settings: { peer_commit_batch_bytes: BATCH_BYTES },
      });
    await expect(run(failing)).rejects.toThrow("injected: disk failed");
    expect(failing.handed).toEqual([]);
    expect(await st.txStore.count()).toBe(0);
    // Every byte of the data file was verified before it was published; no subtree claims it yet.
    expect(st.files()).toEqual([`${hash.slice(0, 2)}/${hash}.subtreeData`]);

    const r = await run(st.txStore);
    expect(r.stored).toBe(1023);
    expect(await st.txStore.count()).toBe(1023);
  });
});

test("verifyDataStream staging into the sink's file keeps no tx bytes; batches read them back (a tx over the batch size alone); a short file throws", async () => {
  const st = await tempStores();
  temps.push(st);
  const txs = Array.from({ length: 300 }, (_, i) => syntheticTx(i === 150 ? 500 : 120 + (i % 90)));
  const nodes = txs.map((t) => txid(t));
  const known = nodes.map((_, i) => i % 4 === 0);
  const writer = await st.blobStore.createWriter(nodes[0]!, "subtreeData");
  const file = stagingFileOf(writer);
  const staged = new StagedSubtree(nodes.length, new StagedInFile(nodes.length, file));
  const data = new Uint8Array(Buffer.concat(txs));
  let p = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (p >= data.length) return c.close();
      c.enqueue(data.slice(p, p + 1000));
      p += 1000;
    },
  });
  await verifyDataStream(body, {
    nodes: NodeHashes.of(nodes),
    known: Uint8Array.from(known, (k) => (k ? 1 : 0)),
    staged,
    maxTxBytes: 1 << 20,
    signal: new AbortController().signal,
    sink: (b) => writer.write(b),
    peer: "p",
    url: "u",
    subtree: "s",
  });
  expect(staged.txs).toHaveLength(0);
  expect(staged.count).toBe(225);
  await staged.inFile!.flush();
  const batches = [...staged.inFile!.batches(NodeHashes.of(nodes), 400)];
  const got = batches.flat();
  expect(got.map((r) => toDisplayHex(r.hash))).toEqual(nodes.filter((_, i) => !known[i]).map((h) => toDisplayHex(h)));
  expect(got.every((r) => Bun.deepEquals(r.standard, txs[nodes.findIndex((h) => Bun.deepEquals(h, r.hash))]))).toBe(
    true,
  );
  // each batch ≤ 400 bytes, except the ~500-byte tx 150, which goes alone
  for (const b of batches) {
    const bytes = b.reduce((a, r) => a + r.standard.length, 0);
    expect(bytes <= 400 || b.length === 1).toBe(true);
  }
  expect(batches.some((b) => b.length === 1 && Bun.deepEquals(b[0]!.hash, nodes[150]))).toBe(true);
  expect(txs[150]!.length).toBeGreaterThan(400);
  // a file shorter than staged (cut by hand) throws instead of storing garbage
  truncateSync(file.tempPath, file.headerBytes + 1000);
  expect(() => [...staged.inFile!.batches(NodeHashes.of(nodes), 400)]).toThrow(/staged bytes short/);
  await writer.abort();
  expect(st.files()).toEqual([]);
});

function stagingFileOf(w: BlobWriter): StagingFile {
  return { tempPath: w.tempPath!, headerBytes: w.headerBytes!, flush: () => w.flush!() };
}
