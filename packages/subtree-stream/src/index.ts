export { SubtreeStreamError } from "./errors.ts";
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
  toDisplayHex,
  toHex,
  ZERO_HASH,
} from "./hash.ts";
export * from "./write/index.ts";
