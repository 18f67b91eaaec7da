export {
  type ReadSubtreeDataOptions,
  readSubtreeData,
  readSubtreeDataBatches,
  type SubtreeDataTx,
  type SubtreeNodesInput,
} from "./read-subtree-data.ts";
export { type ReadTxsOptions, readTxs, readTxsBatches, type StreamTx } from "./read-txs.ts";
