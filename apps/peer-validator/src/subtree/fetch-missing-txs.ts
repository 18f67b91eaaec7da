import { readTxsBatches, toDisplayHex, toStandardBytes, txFee } from "@subtreekit/subtree-stream";
import { VerificationError } from "../errors/verification-error.ts";
import { attemptBudgetMs } from "../http/attempt-budget.ts";
import { guardedBody } from "../http/body-chunks.ts";
import { peerFetch } from "../http/peer-fetch.ts";
import type { Session } from "../session.ts";
import type { NodeHashes } from "./node-hashes.ts";
import type { StagedSubtree } from "./staged.ts";
import { classifyStreamError } from "./stream-errors.ts";

/**
 * The per-tx path (spec §4.2 step 5): `POST /subtree/:hash/txs` with the missing txids in batches
 * of `subtreevalidation_missingTransactionsBatchSize`, up to
 * `subtreevalidation_getMissingTransactions` batches at once. The answer's order is not
 * guaranteed, so txs are matched by computed txid; an unrequested or repeated tx, or a count
 * different from the request, is a VerificationError. The first failing batch stops the others.
 */
export async function fetchMissingTxs(
  s: Session,
  peer: string,
  hex: string,
  nodes: NodeHashes,
  missing: number[],
  staged: StagedSubtree,
  onProgress: (txs: number, bytes: number) => void,
): Promise<void> {
  const size = Math.max(1, s.settings.subtreevalidation_missingTransactionsBatchSize);
  const batches: number[][] = [];
  for (let k = 0; k < missing.length; k += size) batches.push(missing.slice(k, k + size));
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < batches.length) {
      const batch = batches[next++]!;
      try {
        await fetchBatch(s, peer, hex, nodes, batch, staged, onProgress);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  const width = Math.max(1, Math.min(s.settings.subtreevalidation_getMissingTransactions, batches.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (failed !== undefined) throw failed;
}

async function fetchBatch(
  s: Session,
  peer: string,
  hex: string,
  nodes: NodeHashes,
  batch: number[],
  staged: StagedSubtree,
  onProgress: (txs: number, bytes: number) => void,
): Promise<void> {
  const body = new Uint8Array(batch.length * 32);
  const wanted = new Map<string, number>();
  batch.forEach((idx, k) => {
    body.set(nodes.at(idx), k * 32);
    wanted.set(Buffer.from(nodes.at(idx)).toString("latin1"), idx);
  });
  const where = `${peer}: subtree ${hex}: POST /txs`;
  const { response, url, deadline, stallMs } = await peerFetch(s, peer, `/subtree/${hex}/txs`, {
    method: "POST",
    body,
    budgetMs: attemptBudgetMs(s, batch.length),
  });
  const ctx = { peer, url, subtree: hex, signal: s.signal, what: "POST /txs answer" };
  let got = 0;
  try {
    if (!response.body) throw new VerificationError("MALFORMED", `${where}: empty answer`, { peer, subtree: hex });
    const guarded = guardedBody(response.body, { signal: s.signal, deadline, stallMs, peer, url });
    for await (const txs of readTxsBatches(guarded, { signal: s.signal, maxTxBytes: s.settings.max_tx_bytes })) {
      let bytes = 0;
      for (const tx of txs) {
        const key = Buffer.from(tx.txid).toString("latin1");
        const idx = wanted.get(key);
        if (idx === undefined)
          throw new VerificationError(
            got >= batch.length ? "COUNT_MISMATCH" : "TX_MISMATCH",
            `${where}: answered tx ${toDisplayHex(tx.txid)} (tx ${got} of the answer), which was not requested or came twice`,
            { peer, subtree: hex, index: got, actual: toDisplayHex(tx.txid) },
          );
        wanted.delete(key);
        const standard = tx.extended ? toStandardBytes(tx.bytes) : tx.bytes;
        const fee = tx.extended ? txFee(tx.bytes) : undefined;
        staged.sizes[idx] = standard.length;
        staged.fees[idx] = Math.max(0, fee ?? 0);
        staged.txs.push({
          hash: tx.txid,
          standard,
          extended: tx.extended ? tx.bytes : undefined,
          fee,
          size: standard.length,
        });
        bytes += tx.bytes.length;
        got++;
      }
      onProgress(txs.length, bytes);
    }
  } catch (err) {
    throw classifyStreamError(err, ctx);
  }
  if (wanted.size > 0) {
    const [firstMissing] = wanted.values();
    const expected = toDisplayHex(nodes.at(firstMissing!));
    throw new VerificationError(
      "COUNT_MISMATCH",
      `${where}: answered ${got} of ${batch.length} txs; missing tx at index ${firstMissing}, expected ${expected}`,
      { peer, subtree: hex, index: firstMissing, expected },
    );
  }
}
