export * from "./block/index.ts";
export * from "./errors/index.ts";
export { isSubtreeStreamError, SubtreeStreamError } from "./errors.ts";
export {
  assertHash,
  bytesEqual,
  COINBASE_PLACEHOLDER,
  fromDisplayHex,
  fromHex,
  HASH_BYTES,
  isCoinbasePlaceholder,
  sha256,
  sha256d,
  sha256dInto,
  toDisplayHex,
  toHex,
  ZERO_HASH,
} from "./hash.ts";
export * from "./merkle/index.ts";
export * from "./read/index.ts";
export * from "./subtree/index.ts";
export * from "./tx/index.ts";
export { readVarint, varintSize, writeVarint } from "./varint.ts";
export * from "./write/index.ts";
