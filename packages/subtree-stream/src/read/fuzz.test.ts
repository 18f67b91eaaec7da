import { describe, expect, test } from "bun:test";
import { MalformedTxError } from "../errors/malformed-tx-error.ts";
import { SubtreeLengthMismatchError } from "../errors/subtree-length-mismatch-error.ts";
import { TruncatedTxError } from "../errors/truncated-tx-error.ts";
import { SubtreeStreamError } from "../errors.ts";
import { bytesEqual, fromDisplayHex, sha256d } from "../hash.ts";
import { parseSubtreeNodes } from "../subtree/nodes.ts";
import { collect, facts, randomCuts, rng, streamOf, VEC, vec } from "../testdata/helpers.ts";
import { toStandardBytes } from "../tx/standard.ts";
import { writeVarint } from "../varint.ts";
import { readSubtreeData, readTxs, type SubtreeDataTx } from "./index.ts";

interface Case {
  name: string;
  nodes: Uint8Array[];
  data: Uint8Array;
}

function cases(): Case[] {
  if (!VEC) return [];
  const f = facts();
  const s0 = f.block171.subtrees[0].subtree;
  const s1 = f.block171.subtrees[1].subtree;
  const e973 = "subtrees/e973de16e606750feed45d7b02dcf493887ef27acabbd7913710b9f3454f2555";
  return [
    {
      name: "171/0 (EF, placeholder)",
      nodes: parseSubtreeNodes(vec(`171/${s0}.subtree`)),
      data: vec(`171/${s0}.subtree_data`),
    },
    { name: "171/1 (EF)", nodes: parseSubtreeNodes(vec(`171/${s1}.subtree`)), data: vec(`171/${s1}.subtree_data`) },
    { name: "e973 (standard)", nodes: parseSubtreeNodes(vec(`${e973}.subtree`)), data: vec(`${e973}.subtreeData`) },
    {
      name: "8ddeb (coinbase)",
      nodes: (f["8ddeb"].nodes_display as string[]).map(fromDisplayHex),
      data: vec("subtrees/8ddeb634b22bcb3b5bbebdd74fdc4a4e2bfd92dc4a3f4c2ed43883607ab6a68a.subtreeData"),
    },
  ];
}

const key = (txs: SubtreeDataTx[]) => txs.map((t) => `${t.index}:${t.offset}:${Buffer.from(t.txid).toString("hex")}`);

async function outcome(c: Case, data: Uint8Array, cuts: number[]): Promise<SubtreeDataTx[] | Error> {
  return collect(readSubtreeData(streamOf(data, cuts), c.nodes)).catch((e: Error) => e);
}

describe.skipIf(!VEC)("fuzz: real subtree_data", () => {
  for (const c of cases()) {
    test(`${c.name}: 30 seeded random chunkings give identical results`, async () => {
      const baseline = await collect(readSubtreeData(streamOf(c.data), c.nodes));
      const rand = rng(c.data.length);
      for (let round = 0; round < 30; round++) {
        const txs = await outcome(c, c.data, randomCuts(rand, c.data.length, 1 + Math.floor(rand() * 200)));
        expect(txs).toBeArray();
        expect(key(txs as SubtreeDataTx[])).toEqual(key(baseline));
        expect((txs as SubtreeDataTx[]).every((t, i) => bytesEqual(t.bytes, baseline[i]?.bytes as Uint8Array))).toBe(
          true,
        );
      }
    });

    test(`${c.name}: 150 random byte corruptions → typed error, or success only with untouched standard bytes`, async () => {
      const baseline = await collect(readSubtreeData(streamOf(c.data), c.nodes));
      const stdOriginal = baseline.map((t) => sha256d(toStandardBytes(t.bytes)));
      const rand = rng(c.data.length + 1);
      for (let round = 0; round < 150; round++) {
        const bad = c.data.slice();
        const at = Math.floor(rand() * bad.length);
        bad[at] = ((bad[at] as number) + 1 + Math.floor(rand() * 255)) & 0xff;
        const r = await outcome(c, bad, randomCuts(rand, bad.length, 5));
        if (r instanceof Error) {
          expect(r).toBeInstanceOf(SubtreeStreamError);
        } else {
          // Only EF-only fields (prev sats / prev script) can change without changing a txid.
          expect(r.length).toBe(baseline.length);
          expect(r.every((t, i) => bytesEqual(sha256d(toStandardBytes(t.bytes)), stdOriginal[i] as Uint8Array))).toBe(
            true,
          );
          expect(baseline.some((t) => t.extended)).toBe(true);
        }
      }
    });

    test(`${c.name}: 250 seeded truncation points (and around tx ends) → TruncatedTxError or TOO_FEW_TXS`, async () => {
      const baseline = await collect(readSubtreeData(streamOf(c.data), c.nodes));
      const rand = rng(c.data.length + 2);
      const points = Array.from({ length: 250 }, () => Math.floor(rand() * c.data.length));
      for (const t of baseline.slice(0, 20)) points.push(t.offset - 1, t.offset, t.offset + 1, t.offset + 5);
      for (const n of points.filter((p) => p >= 0)) {
        const r = await outcome(c, c.data.subarray(0, n), [n >> 1]);
        expect(r instanceof TruncatedTxError || r instanceof SubtreeLengthMismatchError).toBe(true);
      }
    });
  }
});

describe("fuzz: bounds", () => {
  /** A body that never ends, counting the bytes pulled from it. */
  function endless(prefix: Uint8Array) {
    const state = { pulled: 0 };
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const chunk = state.pulled === 0 ? prefix : new Uint8Array(64 * 1024);
        state.pulled += chunk.length;
        c.enqueue(chunk);
      },
    });
    return { stream, state };
  }

  test("a huge input count fails at once (no waiting for bytes, no allocation)", async () => {
    const prefix = Uint8Array.of(1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0, 0, 0);
    const { stream, state } = endless(prefix);
    const err = await collect(readTxs(stream)).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedTxError);
    expect(err.code).toBe("TX_BAD_COUNT");
    expect(err.offset).toBe(13);
    expect(state.pulled).toBeLessThan(1024 * 1024);
  });

  test("a script longer than maxTxBytes fails before its bytes are buffered", async () => {
    const head = new Uint8Array(4 + 1 + 36);
    head[0] = 1;
    head[4] = 1;
    const len = writeVarint(2 ** 40);
    const prefix = new Uint8Array(head.length + len.length);
    prefix.set(head);
    prefix.set(len, head.length);
    const { stream, state } = endless(prefix);
    const err = await collect(readTxs(stream, { maxTxBytes: 1024 * 1024 })).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedTxError);
    expect(err.code).toBe("TX_TOO_LARGE");
    expect(state.pulled).toBeLessThan(1024 * 1024);
  });

  test("many small fields beyond maxTxBytes stop at the cap, not at the end of the stream", async () => {
    // 1 input, then 10M outputs of 9 zero bytes: valid-looking fields forever.
    const prefix = Uint8Array.of(1, 0, 0, 0, 1, ...new Array(36).fill(0), 0, 0, 0, 0, 0, 0xfe, 0x80, 0x96, 0x98, 0x00);
    const { stream, state } = endless(prefix);
    const err = await collect(readTxs(stream, { maxTxBytes: 2 * 1024 * 1024 })).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedTxError);
    expect(state.pulled).toBeLessThan(4 * 1024 * 1024);
  });

  test("a 1 MiB tx of 100k outputs split into 4000 tiny chunks parses (no quadratic rescans)", async () => {
    const n = 100_000;
    const tx = new Uint8Array(4 + 1 + 41 + 5 + n * 9 + 4);
    tx[0] = 1;
    tx[4] = 1;
    tx.set(writeVarint(n), 46);
    const cuts = Array.from({ length: 4000 }, (_, i) => (i + 1) * 256);
    const txs = await collect(readTxs(streamOf(tx, cuts)));
    expect(txs.length).toBe(1);
    expect(txs[0]?.bytes.length).toBe(tx.length);
    expect(bytesEqual(txs[0]?.txid as Uint8Array, sha256d(tx))).toBe(true);
  });
});
