export {
  type BlockMerkleOptions,
  blockMerkleRoot,
  liftRoot,
  merkleHeight,
  subtreeRootFromChunks,
  subtreeRootWithCoinbase,
} from "./block-merkle.ts";
export { MerkleBuilder } from "./merkle-builder.ts";
export { merkleRoot } from "./merkle-root.ts";
