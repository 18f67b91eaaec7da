import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseModelBlock, serializeModelBlock } from "@subtreekit/subtree-stream";
import { requireVectors } from "@subtreekit/testkit";
import { PeersUnavailableError, type ValidatorEvent, validateBlock } from "../index.ts";
import { type TempStores, tempStores } from "../testing/temp-stores.ts";
import { dripBody, loadVectorDir, splitTxs, startVectorPeer, type VectorPeer } from "../testing/vector-peer.ts";

const vectors = requireVectors("peer-validator block validation");
const B171 = "0000000023ffe4075b18e77ce7342b90a7deeb92e4b3681551253291c3522824";
const B171_RAW = new Uint8Array(Buffer.from(B171, "hex")).reverse();
const SUBTREES_AT = 80 + 3 + 5 + 1; // header, varint 1024, varint 233441, varint 32

describe.skipIf(!vectors)("validateBlock against test peers", () => {
  let files: Map<string, Uint8Array>;
  const peers: VectorPeer[] = [];
  const temps: TempStores[] = [];
  const peer = (...a: Parameters<typeof startVectorPeer>) => {
    const p = startVectorPeer(...a);
    peers.push(p);
    return p;
  };
  const stores = async () => {
    const t = await tempStores();
    temps.push(t);
    return t;
  };
  beforeAll(() => {
    files = loadVectorDir(`${vectors}/171`);
  });
  afterAll(async () => {
    for (const p of peers) await p.stop();
    for (const t of temps) await t.close();
  });

  test("a block whose subtree list does not give its merkle root is not stored; the next peer's is", async () => {
    const swapped = files.get(`${B171}.block`)!.slice();
    // swap subtrees 1 and 2: the header (so the block hash) is unchanged, the merkle root is not
    const s1 = swapped.slice(SUBTREES_AT + 32, SUBTREES_AT + 64);
    swapped.copyWithin(SUBTREES_AT + 32, SUBTREES_AT + 64, SUBTREES_AT + 96);
    swapped.set(s1, SUBTREES_AT + 64);
    const liar = peer(files, (_r, path) => (path === `/block/${B171}` ? new Response(swapped) : undefined));
    const st = await stores();
    const err = await validateBlock({
      hash: B171,
      peers: [liar.url],
      txStore: st.txStore,
      blobStore: st.blobStore,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(PeersUnavailableError);
    expect(err.failures[0].code).toBe("MERKLE_MISMATCH");
    expect(err.message).toContain(`${liar.url}: block ${B171}: merkle root from its subtrees is`);
    expect(await st.blobStore.exists(B171_RAW, "block")).toBe(false);

    const honest = peer(files);
    const r = await validateBlock({
      hash: B171,
      peers: [liar.url, honest.url],
      txStore: st.txStore,
      blobStore: st.blobStore,
    });
    expect(r.stored).toBe(true);
    expect(await st.blobStore.exists(B171_RAW, "block")).toBe(true);
  });

  test("a block that lists its last subtree twice is refused before any subtree is fetched; the next peer's is stored", async () => {
    const model = parseModelBlock(files.get(`${B171}.block`)!);
    // The header (so the block hash) is unchanged: the list is not covered by it.
    const listed = serializeModelBlock({ ...model, subtrees: [...model.subtrees, model.subtrees.at(-1)!] });
    const liar = peer(files, (_r, path) =>
      path === `/block/${B171}` ? new Response(listed as Uint8Array<ArrayBuffer>) : undefined,
    );
    const st = await stores();
    const err = await validateBlock({
      hash: B171,
      peers: [liar.url],
      txStore: st.txStore,
      blobStore: st.blobStore,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(PeersUnavailableError);
    expect(err.failures[0].code).toBe("BLOCK_MISMATCH");
    expect(err.message).toContain(`${liar.url}: block ${B171} lists subtree 32 again as 31`);
    expect(liar.log.filter((r) => r.path.startsWith("/subtree"))).toEqual([]);
    expect(await st.blobStore.exists(B171_RAW, "block")).toBe(false);

    const r = await validateBlock({
      hash: B171,
      peers: [liar.url, peer(files).url],
      txStore: st.txStore,
      blobStore: st.blobStore,
    });
    expect(r.stored).toBe(true);
    expect(r.subtrees).toHaveLength(32);
  });

  test("a failing subtree does not cancel its siblings: their streams finish and are stored; the block is not", async () => {
    const order: string[] = (() => {
      const b = files.get(`${B171}.block`)!;
      return Array.from({ length: 32 }, (_, i) =>
        Buffer.from(b.slice(SUBTREES_AT + i * 32, SUBTREES_AT + i * 32 + 32))
          .reverse()
          .toString("hex"),
      );
    })();
    const bad = order[3]!;
    const badData = splitTxs(files.get(`${bad}.subtree_data`)!);
    [badData[0], badData[1]] = [badData[1]!, badData[0]!];
    const p = peer(files, (_r, path) => {
      if (path === `/subtree_data/${bad}`) return new Response(Buffer.concat(badData));
      const m = /^\/subtree_data\/([0-9a-f]{64})$/.exec(path);
      // every other subtree drips for ~0.4 s, so it is still streaming when subtree 3 fails
      if (m) return new Response(dripBody(files.get(`${m[1]}.subtree_data`)!, 4000, 100));
      return undefined;
    });
    const st = await stores();
    const events: ValidatorEvent[] = [];
    const err = await validateBlock({
      hash: B171,
      peers: [p.url],
      txStore: st.txStore,
      blobStore: st.blobStore,
      concurrency: 32,
      events: (e) => events.push(e),
    }).catch((e) => e);
    expect(err.message).toContain(`subtree ${bad}: tx at index 0 is`);
    expect(events.filter((e) => e.type === "subtree-done")).toHaveLength(31);
    expect(st.files().filter((f) => f.endsWith(".subtree"))).toHaveLength(31);
    expect(st.files().some((f) => f.includes(bad))).toBe(false);
    expect(await st.blobStore.exists(B171_RAW, "block")).toBe(false);
    expect(await st.txStore.count()).toBe(1023 - 32);
  });

  test("after a peer fails, the next resources start with the peer that delivered", async () => {
    const good = peer(files);
    const st = await stores();
    const events: ValidatorEvent[] = [];
    const r = await validateBlock({
      hash: B171,
      peers: ["http://127.0.0.1:1/api/v1", good.url],
      txStore: st.txStore,
      blobStore: st.blobStore,
      events: (e) => events.push(e),
    });
    expect(r.stored).toBe(true);
    // only the block request met the dead peer; none of the 32 subtrees tried it again
    expect(events.filter((e) => e.type === "peer-failed").map((e) => (e as { resource: string }).resource)).toEqual([
      `block ${B171}`,
    ]);
  });
});
