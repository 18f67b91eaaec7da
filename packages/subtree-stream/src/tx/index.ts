export { isCoinbase } from "./coinbase.ts";
export { txFee } from "./fee.ts";
export { type TxFields, type TxInputFields, type TxOutputFields, txFields } from "./fields.ts";
export { DEFAULT_MAX_TX_BYTES } from "./layout.ts";
export { standardSize, toStandardBytes, txid } from "./standard.ts";
export { type ParseTxOptions, parseTx, parseTxExact, Tx } from "./tx.ts";
