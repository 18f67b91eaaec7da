import { VerificationError } from "../errors/verification-error.ts";
import { displayHexAt, sha256dInto } from "../format/sha256d.ts";
import { standardBytes, TxFormatError } from "../format/tx-scan.ts";
import { forEachTx } from "../format/tx-stream.ts";
import { bodyChunks } from "../http/body-chunks.ts";
import { peerFetch } from "../http/peer-fetch.ts";
import type { Session } from "../session.ts";
import type { StagedSubtree } from "./staged.ts";

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
  nodes: Uint8Array,
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
  nodes: Uint8Array,
  batch: number[],
  staged: StagedSubtree,
  onProgress: (txs: number, bytes: number) => void,
): Promise<void> {
  const body = new Uint8Array(batch.length * 32);
  const wanted = new Map<string, number>();
  batch.forEach((idx, k) => {
    const h = nodes.subarray(idx * 32, idx * 32 + 32);
    body.set(h, k * 32);
    wanted.set(Buffer.from(h).toString("latin1"), idx);
  });
  const where = `${peer}: subtree ${hex}`;
  const detail = { peer, subtree: hex };
  const { response, url, deadline } = await peerFetch(s, peer, `/subtree/${hex}/txs`, { method: "POST", body });
  const txid = new Uint8Array(32);
  let got = 0;
  try {
    await forEachTx(bodyChunks(response.body, { signal: s.signal, deadline, peer, url }), s.settings.max_tx_bytes, {
      tx(buf, start, scan) {
        const standard = standardBytes(buf, start, scan);
        sha256dInto(standard, txid);
        const key = Buffer.from(txid).toString("latin1");
        const idx = wanted.get(key);
        if (idx === undefined)
          throw new VerificationError(
            got >= batch.length ? "COUNT_MISMATCH" : "TX_MISMATCH",
            `${where}: POST /txs answered tx ${displayHexAt(txid)} (tx ${got} of the answer), which was not requested or came twice`,
            { ...detail, index: got, actual: displayHexAt(txid) },
          );
        wanted.delete(key);
        staged.sizes[idx] = scan.size;
        staged.fees[idx] = Math.max(0, scan.fee ?? 0);
        staged.txs.push({
          hash: txid.slice(),
          standard: scan.extended ? standard : standard.slice(),
          extended: scan.extended ? buf.slice(start, scan.end) : undefined,
          fee: scan.fee,
          size: scan.size,
        });
        got++;
        onProgress(1, scan.end - start);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof TxFormatError)
      throw new VerificationError(
        err.kind === "truncated" ? "TRUNCATED" : "MALFORMED",
        `${where}: ${err.kind} tx ${got} of the POST /txs answer (offset ${err.offset}): ${err.message}`,
        { ...detail, index: got },
        { cause: err },
      );
    throw err;
  }
  if (wanted.size > 0) {
    const [firstMissing] = wanted.values();
    const expected = displayHexAt(nodes, firstMissing! * 32);
    throw new VerificationError(
      "COUNT_MISMATCH",
      `${where}: POST /txs answered ${got} of ${batch.length} txs; missing tx at index ${firstMissing}, expected ${expected}`,
      { ...detail, index: firstMissing, expected },
    );
  }
}
