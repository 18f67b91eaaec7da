import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { requireVectors } from "@subtreekit/testkit";
import { validateSubtree } from "../index.ts";
import { type TempStores, tempStores } from "../testing/temp-stores.ts";
import { loadVectorDir, startVectorPeer, type VectorPeer } from "../testing/vector-peer.ts";

const vectors = requireVectors("peer-validator subtree validation");
const ST = "b6b4a947cfe907494ebcb3b704d02dbc10b9e6fb647a3387ab464f3d6cb03139";
let peer: VectorPeer;

beforeAll(() => {
  if (!vectors) return;
  peer = startVectorPeer(loadVectorDir(`${vectors}/171`));
});
afterAll(() => peer?.stop());

test.skipIf(!vectors)("validates a 171 subtree from a peer and stores txs, data and subtree", async () => {
  const st: TempStores = await tempStores();
  try {
    const r = await validateSubtree({ hash: ST, peers: [peer.url], txStore: st.txStore, blobStore: st.blobStore });
    expect(r.path).toBe("data");
    expect(r.stored).toBe(32);
    expect(await st.txStore.count()).toBe(32);
    expect(st.files().filter((f) => !f.includes(".tmp"))).toEqual([`b6/${ST}.subtree`, `b6/${ST}.subtreeData`]);
  } finally {
    await st.close();
  }
});

test.skipIf(!vectors)(
  "standard-format data (e973…, 1024 txs) and data that carries the coinbase (8ddeb…)",
  async () => {
    const read = (f: string) => new Uint8Array(readFileSync(`${vectors}/subtrees/${f}`));
    const E973 = "e973de16e606750feed45d7b02dcf493887ef27acabbd7913710b9f3454f2555";
    const D8DD = "8ddeb634b22bcb3b5bbebdd74fdc4a4e2bfd92dc4a3f4c2ed43883607ab6a68a";
    // the Go test's three nodes of 8ddeb…: placeholder, then the two non-coinbase txs (display form)
    const nodes8d = Buffer.concat(
      [
        "ff".repeat(32),
        "737218c851dba7b8ebc3478a859fff4f2a4750c122d4d0a2fcfbf455a1ba3553",
        "5ea59611a2c4dca13c2fd29b5fd22346253df89bc3f95cd5c19e88cb24087e56",
      ].map((h) => Buffer.from(h, "hex").reverse()),
    );
    const files = new Map<string, Uint8Array>([
      [`${E973}.subtree`, read(`${E973}.subtree`)],
      [`${E973}.subtree_data`, read(`${E973}.subtreeData`)],
      [`${D8DD}.subtree`, new Uint8Array(nodes8d)],
      [`${D8DD}.subtree_data`, read(`${D8DD}.subtreeData`)],
    ]);
    const p = startVectorPeer(files);
    const st = await tempStores();
    try {
      const a = await validateSubtree({ hash: E973, peers: [p.url], txStore: st.txStore, blobStore: st.blobStore });
      expect(a.stored).toBe(1024);
      const b = await validateSubtree({ hash: D8DD, peers: [p.url], txStore: st.txStore, blobStore: st.blobStore });
      expect(b.stored).toBe(2);
      expect(await st.txStore.count()).toBe(1026);
      // the stored .subtreeData leaves the coinbase (121 bytes) out, as go-subtree Serialize does
      const stored = await st.blobStore.get(Buffer.from(D8DD, "hex").reverse(), "subtreeData");
      expect(stored?.length).toBe(34440 - 121);
      expect((await st.blobStore.get(Buffer.from(E973, "hex").reverse(), "subtreeData"))?.length).toBe(196110);
    } finally {
      await p.stop();
      await st.close();
    }
  },
);
