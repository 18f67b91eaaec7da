import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseTxExact, toDisplayHex } from "@subtreekit/subtree-stream";
import { type SeededSubtree, seedSubtree } from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";

let srv: TestServer;
let withPlaceholder: SeededSubtree;
let unstored: SeededSubtree;

beforeAll(async () => {
  srv = await startTestServer();
  withPlaceholder = await seedSubtree(srv, 150, { placeholder: true, txSize: 300 });
  unstored = await seedSubtree(srv, 5, { storeTxs: false, txSize: 260 });
});
afterAll(() => srv.close());

type Row = { index: number; txid: string; inputsCount?: number; outputsCount?: number; size: number; fee: number };
const page = async (hex: string, q = "") => {
  const res = await fetch(`${srv.api}/subtree/${hex}/txs/json${q}`);
  return { status: res.status, body: (await res.json()) as { data: Row[]; pagination: object; message?: string } };
};

describe("GET /subtree/:hash/txs/json", () => {
  test("pages of rows with real counts from the stored txs; the placeholder row has zero counts", async () => {
    const first = await page(withPlaceholder.hex);
    expect(first.status).toBe(200);
    expect(first.body.pagination).toEqual({ offset: 0, limit: 20, totalRecords: 151 });
    expect(first.body.data).toHaveLength(20);
    expect(first.body.data[0]).toEqual({
      index: 0,
      txid: "f".repeat(64),
      inputsCount: 0,
      outputsCount: 0,
      size: 0,
      fee: 1,
    });
    const tx = parseTxExact(withPlaceholder.txs[0]!);
    expect(first.body.data[1]).toEqual({
      index: 1,
      txid: toDisplayHex(withPlaceholder.txids[0]!),
      inputsCount: tx.inputCount,
      outputsCount: tx.outputCount,
      size: 300,
      fee: 1, // the subtree's fee (the fixture gives every node 1)
    });
    const last = await page(withPlaceholder.hex, "?offset=140&limit=100");
    expect(last.body.data.map((r) => r.index)).toEqual(Array.from({ length: 11 }, (_, i) => 140 + i));
    expect(last.body.data.at(-1)!.txid).toBe(toDisplayHex(withPlaceholder.txids[149]!));
  });

  test("txs we do not store: rows carry only what the subtree knows", async () => {
    const r = await page(unstored.hex, "?limit=2");
    expect(r.body.data).toEqual([
      { index: 0, txid: toDisplayHex(unstored.txids[0]!), size: 260, fee: 1 },
      { index: 1, txid: toDisplayHex(unstored.txids[1]!), size: 260, fee: 1 },
    ]);
  });

  test("limit above 100 or a bad offset → 400; unknown subtree → 404", async () => {
    const big = await page(withPlaceholder.hex, "?limit=101");
    expect(big.status).toBe(400);
    expect(big.body.message).toContain("limit");
    expect((await page(withPlaceholder.hex, "?offset=-1")).status).toBe(400);
    expect((await page("cd".repeat(32))).status).toBe(404);
  });
});
