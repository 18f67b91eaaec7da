import { describe, expect, test } from "bun:test";
import { buildSubtree, SUBTREE_NODE_BYTES, type SubtreeNode, serializeSubtree } from "@subtreekit/subtree-stream";
import { NODES_PER_WRITE, type SubtreeFileSink, writeSubtreeFile } from "./subtree-file-writer.ts";

/** An in-memory sink that records each write, for comparing bytes and counting piece sizes. */
function memorySink() {
  const pieces: Uint8Array[] = [];
  const state = { committed: false, aborted: false };
  const sink: SubtreeFileSink = {
    write: (b) => void pieces.push(b.slice()),
    commit: async () => void (state.committed = true),
    abort: async () => void (state.aborted = true),
  };
  const bytes = (): Uint8Array => new Uint8Array(Buffer.concat(pieces));
  return { sink, pieces, state, bytes };
}

function nodes(count: number): SubtreeNode[] {
  return Array.from({ length: count }, (_, i) => {
    const hash = new Uint8Array(32);
    new DataView(hash.buffer).setUint32(0, i * 2654435761);
    return { hash, fee: i % 7, size: 200 + (i % 50) };
  });
}

describe("writeSubtreeFile", () => {
  for (const count of [1, 3, NODES_PER_WRITE - 1, NODES_PER_WRITE, NODES_PER_WRITE * 2 + 5]) {
    test(`${count} nodes: the same bytes as serializeSubtree of an in-memory build, in bounded pieces`, async () => {
      const list = nodes(count);
      const built = buildSubtree(list);
      const m = memorySink();
      const head = { root: built.storedRoot, fees: built.fees, sizeInBytes: built.sizeInBytes, count };
      await writeSubtreeFile(m.sink, head, list);
      expect(m.state).toEqual({ committed: true, aborted: false });
      expect(m.bytes()).toEqual(serializeSubtree(built, { magic: null }) as Uint8Array);
      const largest = Math.max(...m.pieces.map((p) => p.length));
      expect(largest).toBeLessThanOrEqual(NODES_PER_WRITE * SUBTREE_NODE_BYTES + 8);
    });
  }

  test("fewer or more nodes than the head announces: aborted, never committed", async () => {
    const list = nodes(5);
    const root = buildSubtree(list).storedRoot;
    for (const count of [4, 6]) {
      const m = memorySink();
      await expect(writeSubtreeFile(m.sink, { root, fees: 0, sizeInBytes: 0, count }, list)).rejects.toThrow(
        RangeError,
      );
      expect(m.state).toEqual({ committed: false, aborted: true });
    }
  });

  test("an aborted signal between pieces aborts the sink", async () => {
    const list = nodes(NODES_PER_WRITE * 2);
    const ac = new AbortController();
    const m = memorySink();
    const sink = {
      ...m.sink,
      write: (b: Uint8Array) => {
        m.pieces.push(b);
        if (m.pieces.length === 2) ac.abort();
      },
    };
    const head = { root: new Uint8Array(32), fees: 0, sizeInBytes: 0, count: list.length };
    await expect(writeSubtreeFile(sink, head, list, ac.signal)).rejects.toThrow();
    expect(m.state).toEqual({ committed: false, aborted: true });
  });
});
