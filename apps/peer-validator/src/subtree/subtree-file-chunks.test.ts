import { expect, test } from "bun:test";
import { SUBTREE_NODE_BYTES, serializeSubtree } from "@subtreekit/subtree-stream";
import { CHUNK, NodeHashes } from "./node-hashes.ts";
import { subtreeFileChunks } from "./subtree-file-chunks.ts";

const n = 2 * CHUNK + 5;
const nodes = NodeHashes.of(Array.from({ length: n }, () => crypto.getRandomValues(new Uint8Array(32))));

test("the chunks join to exactly what serializeSubtree writes, and none holds more than one chunk of nodes", () => {
  const fees = Float64Array.from({ length: n }, (_, i) => i * 3);
  const sizes = Float64Array.from({ length: n }, (_, i) => 200 + (i % 50));
  const root = crypto.getRandomValues(new Uint8Array(32));
  const chunks = [...subtreeFileChunks(root, nodes, fees, sizes)];
  const full = nodes.toArray().map((hash, i) => ({ hash, fee: fees[i]!, size: sizes[i]! }));
  const expected = serializeSubtree(
    {
      magic: undefined,
      storedRoot: root,
      fees: fees.reduce((a, b) => a + b, 0),
      sizeInBytes: sizes.reduce((a, b) => a + b, 0),
      nodes: full,
      conflictingNodes: [],
    },
    { magic: null },
  );
  expect(Buffer.compare(Buffer.concat(chunks), expected)).toBe(0);
  expect(Math.max(...chunks.map((c) => c.length))).toBe(CHUNK * SUBTREE_NODE_BYTES);
});

test("node views are made a bounded chunk at a time, whatever the node count", () => {
  const lengths = [...nodes.chunks(1)].map((c) => c.length);
  expect(lengths).toEqual([CHUNK, CHUNK, 4]);
  expect(Bun.deepEquals(nodes.at(n - 1), nodes.toArray()[n - 1])).toBe(true);
});
