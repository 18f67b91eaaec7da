// Ordered bounded writer: windowed chunk fetches written in node order, and a lockstep tee.
export { contiguousRun, joinRun } from "./contiguous-run.ts";
export { EmptySubtreeDataError } from "./empty-subtree-data-error.ts";
export { MisplacedCoinbaseError } from "./misplaced-coinbase-error.ts";
export { MissingTxError } from "./missing-tx-error.ts";
export { nodeChunks } from "./node-chunks.ts";
export { PendingCapExceededError } from "./pending-cap-exceeded-error.ts";
export { rechunk } from "./rechunk.ts";
export { rechunkByWeight } from "./rechunk-by-weight.ts";
export { teeSink } from "./tee-sink.ts";
export type { ChunkEvent, TxSink, TxSource, WriteSubtreeDataOptions, WriteSubtreeDataResult } from "./types.ts";
export { ABORT_CHECK_INTERVAL, writeSubtreeData } from "./write-subtree-data.ts";
