export { detectSubtreeMagic, SUBTREE_MAGICS, type SubtreeMagic } from "./magic.ts";
export { parseSubtreeNodes, serializeSubtreeNodes } from "./nodes.ts";
export { type ReadNodesOptions, readFullSubtreeNodes, readSubtreeNodes } from "./read-nodes.ts";
export { firstRepeatedHash } from "./repeated-hash.ts";
export { type SubtreeHeadFields, serializeSubtreeChunks } from "./serialize-chunks.ts";
export {
  buildSubtree,
  parseSubtree,
  SUBTREE_HEAD_BYTES,
  SUBTREE_NODE_BYTES,
  type Subtree,
  type SubtreeNode,
  serializeSubtree,
  subtreeRootHash,
} from "./subtree.ts";
