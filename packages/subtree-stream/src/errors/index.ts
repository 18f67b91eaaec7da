export { type MalformedDataCode, MalformedDataError } from "./malformed-data-error.ts";
export { type MalformedTxCode, MalformedTxError } from "./malformed-tx-error.ts";
export { SubtreeLengthMismatchError } from "./subtree-length-mismatch-error.ts";
export { TruncatedTxError } from "./truncated-tx-error.ts";
export { TxHashMismatchError } from "./tx-hash-mismatch-error.ts";
