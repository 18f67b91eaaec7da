import { parseTxExact, toDisplayHex, toHex, txFields } from "@subtreekit/subtree-stream";

/**
 * go-bt's tx JSON shape (spec §1.2): `{txid, hex, inputs, outputs, version, lockTime}`; EF inputs
 * add `previousTxSatoshis` and `previousTxScript`. `hash` is the txid the store keyed it by.
 * The fields come from subtree-stream's parser: the app only shapes them.
 */
export function txJson(hash: Uint8Array, bytes: Uint8Array): Record<string, unknown> {
  const f = txFields(parseTxExact(bytes));
  const inputs = f.inputs.map((i) => {
    const input: Record<string, unknown> = {
      unlockingScript: toHex(i.unlockingScript),
      txid: toDisplayHex(i.prevTxid.slice()),
      vout: i.vout,
      sequence: i.sequence,
    };
    if (i.previousSatoshis !== undefined) {
      input.previousTxSatoshis = Number(i.previousSatoshis);
      input.previousTxScript = toHex(i.previousScript ?? new Uint8Array(0));
    }
    return input;
  });
  const outputs = f.outputs.map((o) => ({ satoshis: Number(o.satoshis), lockingScript: toHex(o.lockingScript) }));
  return { txid: toDisplayHex(hash), hex: toHex(bytes), inputs, outputs, version: f.version, lockTime: f.lockTime };
}
