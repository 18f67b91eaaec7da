export {
  BLOCK_HEADER_BYTES,
  type BlockHeader,
  bitsToTarget,
  blockHash,
  meetsTarget,
  parseBlockHeader,
  serializeBlockHeader,
} from "./header.ts";
export { type ModelBlock, parseModelBlock, serializeModelBlock } from "./model-block.ts";
export { type ChainedModelBlock, parseModelBlockChain } from "./model-block-chain.ts";
export { readWireBlock, type WireBlockPart } from "./read-wire-block.ts";
export { encodeWireBlockHead, parseWireBlock, serializeWireBlock, type WireBlock } from "./wire-block.ts";
export { hasWireMagic, legacyBlockPrefix, WIRE_MAGIC } from "./wire-prefix.ts";
