import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { renameSync } from "node:fs";
import { type SeededBlock, type SeededSubtree, seedBlock, seedSubtree } from "../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../testing/server.ts";

/** Moves a seeded subtree's file to `.subtreeToCheck`: stored, but not validated (Teranode's layout). */
function unvalidate(srv: TestServer, hash: Uint8Array): void {
  renameSync(srv.blobs.path(hash, "subtree"), srv.blobs.path(hash, "subtreeToCheck"));
}
function revalidate(srv: TestServer, hash: Uint8Array): void {
  renameSync(srv.blobs.path(hash, "subtreeToCheck"), srv.blobs.path(hash, "subtree"));
}

const bytes = async (r: Response): Promise<Uint8Array> => new Uint8Array(await r.arrayBuffer());

for (const serve of [false, true]) {
  describe(`asset_serve_unvalidated_subtrees=${serve}: a subtree stored only as subtreeToCheck`, () => {
    let srv: TestServer;
    let st: SeededSubtree;
    let withData: SeededSubtree;
    let block: SeededBlock;
    const want = serve ? 200 : 404;
    beforeAll(async () => {
      // the default is off: the "false" run passes no override, so it checks the default too
      srv = await startTestServer(serve ? { asset_serve_unvalidated_subtrees: true } : {});
      st = await seedSubtree(srv, 120);
      unvalidate(srv, st.hash);
      withData = await seedSubtree(srv, 40);
      await srv.blobs.put(withData.hash, "subtreeData", withData.data);
      unvalidate(srv, withData.hash);
      block = await seedBlock(srv, [30, 50]);
      unvalidate(srv, block.subtrees[1]!.hash);
    });
    afterAll(() => srv.close());
    const get = (path: string, init?: RequestInit) => fetch(`${srv.api}${path}`, init);

    test(`/subtree/:hash, /hex and /json answer ${want}`, async () => {
      for (const suffix of ["", "/hex", "/json"]) {
        const r = await get(`/subtree/${st.hex}${suffix}`);
        expect(r.status).toBe(want);
        if (suffix === "" && serve) expect((await bytes(r)).length).toBe(120 * 32);
        else await r.arrayBuffer();
      }
    });

    test(`/subtree_data/:hash answers ${want}; on, the build reads subtreeToCheck and is exact`, async () => {
      const r = await get(`/subtree_data/${st.hex}`);
      expect(r.status).toBe(want);
      if (serve) expect(await bytes(r)).toEqual(st.data);
      else {
        expect(((await r.json()) as { message: string }).message).toContain("not found");
        expect(await srv.blobs.exists(st.hash, "subtreeData")).toBe(false); // nothing was built
      }
    });

    test(`an existing subtree_data file of an unvalidated subtree answers ${want}`, async () => {
      const r = await get(`/subtree_data/${withData.hex}`);
      expect(r.status).toBe(want);
      if (serve) expect(await bytes(r)).toEqual(withData.data);
      else await r.arrayBuffer();
    });

    test(`POST /subtree/:hash/txs answers ${want}`, async () => {
      const r = await get(`/subtree/${st.hex}/txs`, { method: "POST", body: st.txids[0]!.slice() });
      expect(r.status).toBe(want);
      if (serve) expect(await bytes(r)).toEqual(st.txs[0]!);
      else await r.arrayBuffer();
    });

    test(`a legacy block with one unvalidated subtree answers ${want}; its subtree rows show it only when on`, async () => {
      const r = await get(`/block_legacy/${block.hex}?wire=1`);
      expect(r.status).toBe(want);
      if (serve) expect(await bytes(r)).toEqual(block.wire);
      else await r.arrayBuffer();
      const rows = ((await (await get(`/block/${block.hex}/subtrees/json`)).json()) as { data: { txCount?: number }[] })
        .data;
      expect(rows[0]!.txCount).toBe(31);
      expect(rows[1]!.txCount).toBe(serve ? 50 : undefined);
    });

    test("once validation stores it as `subtree`, it is served (a refusal is not remembered)", async () => {
      const later = await seedSubtree(srv, 20);
      unvalidate(srv, later.hash);
      const before = await get(`/subtree_data/${later.hex}`);
      expect(before.status).toBe(want);
      await before.arrayBuffer();
      revalidate(srv, later.hash);
      const after = await get(`/subtree_data/${later.hex}`);
      expect(after.status).toBe(200);
      expect(await bytes(after)).toEqual(later.data);
    });
  });
}
