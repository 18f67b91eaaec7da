import { readSubtreeDataBatches } from "@subtreekit/subtree-stream";

/** What one `GET /subtree_data` got, checked while streaming. */
export interface VerifiedGet {
  status: number;
  /** `performance.now()` when the status line arrived (undefined: it never did). */
  headersAt: number | undefined;
  /** Body bytes received. */
  bytes: number;
  /** Txs that matched their node, in order. */
  txs: number;
  /** sha256 of the body received (hex). */
  digest: string;
  /** True only for a clean end of a body whose every tx matched its node and whose count matched. */
  verified: boolean;
  /** Why not: the body's error (e.g. a reset connection) or the verifier's. */
  error?: string;
  retryAfter?: string | null;
}

/**
 * GET `url` and verify the body against `nodes` (txid = node, count = nodes) while it streams, so
 * 30 bodies of tens of MB cost no memory. A truncated transfer shows as an error, never as a
 * verified body: the verifier rejects a body that ends early.
 */
export async function verifiedGet(
  url: string,
  nodes: readonly Uint8Array[],
  { onHeaders }: { onHeaders?: (status: number) => void } = {},
): Promise<VerifiedGet> {
  const out: VerifiedGet = { status: 0, headersAt: undefined, bytes: 0, txs: 0, digest: "", verified: false };
  const hasher = new Bun.CryptoHasher("sha256");
  try {
    const res = await fetch(url);
    out.status = res.status;
    out.headersAt = performance.now();
    out.retryAfter = res.headers.get("retry-after");
    onHeaders?.(res.status);
    if (res.status !== 200 || !res.body) {
      await res.arrayBuffer().catch(() => {});
      return out;
    }
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, c) {
          out.bytes += chunk.length;
          hasher.update(chunk);
          c.enqueue(chunk);
        },
      }),
    );
    for await (const batch of readSubtreeDataBatches(counted, nodes)) out.txs += batch.length;
    out.verified = out.txs === nodes.length;
  } catch (error) {
    out.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  out.digest = hasher.digest("hex");
  return out;
}
