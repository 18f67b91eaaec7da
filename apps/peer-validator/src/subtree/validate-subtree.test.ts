import { afterAll, beforeAll, expect, test } from "bun:test";
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
