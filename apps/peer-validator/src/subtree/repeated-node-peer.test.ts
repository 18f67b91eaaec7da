import { afterAll, expect, test } from "bun:test";
import { merkleRoot, toDisplayHex } from "@subtreekit/subtree-stream";
import { requireVectors } from "@subtreekit/testkit";
import { PeersUnavailableError } from "../errors/peers-unavailable-error.ts";
import { validateSubtree } from "../index.ts";
import { tempStores } from "../testing/temp-stores.ts";
import { loadVectorDir, splitTxs, startVectorPeer, type VectorPeer } from "../testing/vector-peer.ts";

const vectors = requireVectors("peer-validator repeated node");
const ST = "b6b4a947cfe907494ebcb3b704d02dbc10b9e6fb647a3387ab464f3d6cb03139";
const peers: VectorPeer[] = [];
afterAll(() => Promise.all(peers.map((p) => p.stop())));

test.skipIf(!vectors)(
  "a peer that repeats the last node keeps the root (CVE-2012-2459): REPEATED_NODE, nothing stored; the honest peer's subtree is stored",
  async () => {
    // A real 3-tx subtree from the 171 vectors: its root is also the root of [a, b, c, c].
    const files = loadVectorDir(`${vectors}/171`);
    const nodes = files.get(`${ST}.subtree`)!;
    const txs = splitTxs(files.get(`${ST}.subtree_data`)!).slice(0, 3);
    const leaves = [0, 1, 2].map((i) => nodes.slice(i * 32, i * 32 + 32));
    const forged = [...leaves, leaves[2]!];
    const hex = toDisplayHex(merkleRoot(leaves));
    expect(toDisplayHex(merkleRoot(forged))).toBe(hex); // the forgery the check must catch
    const serve = (ls: Uint8Array[], ts: Uint8Array[]) =>
      startVectorPeer(
        new Map([
          [`${hex}.subtree`, new Uint8Array(Buffer.concat(ls))],
          [`${hex}.subtree_data`, new Uint8Array(Buffer.concat(ts))],
        ]),
      );
    const bad = serve(forged, [...txs, txs[2]!]);
    const good = serve(leaves, txs);
    peers.push(bad, good);

    const alone = await tempStores();
    try {
      const err = await validateSubtree({
        hash: hex,
        peers: [bad.url],
        txStore: alone.txStore,
        blobStore: alone.blobStore,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PeersUnavailableError);
      const [failure] = (err as PeersUnavailableError).failures;
      expect(failure).toMatchObject({ peer: bad.url, kind: "bad-data", code: "REPEATED_NODE" });
      for (const part of [bad.url, hex, "node 3 repeats node 2", toDisplayHex(leaves[2]!)])
        expect(failure!.message).toContain(part);
      expect(await alone.txStore.count()).toBe(0);
      expect(alone.files().filter((f) => !f.includes(".tmp"))).toEqual([]);
      expect(bad.log.some((r) => r.path.startsWith("/subtree_data/"))).toBe(false); // no tx fetched
    } finally {
      await alone.close();
    }

    const both = await tempStores();
    try {
      const r = await validateSubtree({
        hash: hex,
        peers: [bad.url, good.url],
        txStore: both.txStore,
        blobStore: both.blobStore,
      });
      expect(r.peer).toBe(good.url);
      expect(r.nodes.length).toBe(3);
      expect(await both.txStore.count()).toBe(3);
    } finally {
      await both.close();
    }
  },
);
