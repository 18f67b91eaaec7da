import { fetchWithRetry } from "@subtreekit/http-retry";
import { readSubtreeDataBatches } from "@subtreekit/subtree-stream";

/** The subtree's node hashes from `GET /subtree/:hash` (n × 32 bytes). */
export async function fetchNodes(api: string, hash: string): Promise<Uint8Array[]> {
  const res = await fetch(`${api}/subtree/${hash}`, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET /subtree/${hash} answered ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const out: Uint8Array[] = [];
  for (let at = 0; at + 32 <= bytes.length; at += 32) out.push(bytes.subarray(at, at + 32));
  return out;
}

/** Reads a subtree_data body through the verified reader; resolves with the tx count. */
export async function verifyBody(
  body: ReadableStream<Uint8Array>,
  nodes: readonly Uint8Array[],
  signal?: AbortSignal,
): Promise<number> {
  let txs = 0;
  for await (const batch of readSubtreeDataBatches(body, nodes, signal ? { signal } : {})) txs += batch.length;
  return txs;
}

/** One full verified fetch with the production retry policy (503 only, 6 attempts). */
export async function fetchVerified(
  api: string,
  hash: string,
  nodes: readonly Uint8Array[],
  options: { signal?: AbortSignal; retryNetworkErrors?: boolean } = {},
): Promise<number> {
  const signal = options.signal ?? AbortSignal.timeout(30_000);
  const res = await fetchWithRetry(`${api}/subtree_data/${hash}`, undefined, {
    retryOn: [503],
    maxAttempts: 6,
    initialDelayMs: 250,
    maxDelayMs: 5000,
    jitter: "equal",
    retryNetworkErrors: options.retryNetworkErrors ?? false,
    signal,
  });
  return verifyBody(res.body as ReadableStream<Uint8Array>, nodes, signal);
}

/**
 * A body reader that stops pulling after `pauseAfter` bytes until `resume()`: the client of a
 * lockstep build that stops reading holds the build mid-way (the server cannot run ahead of it by
 * more than a few MiB of socket buffers), which is how a test catches a build in the middle.
 */
export function gatedBody(body: ReadableStream<Uint8Array>, pauseAfter: number) {
  const reader = body.getReader();
  let received = 0;
  let resume: () => void = () => {};
  const gate = new Promise<void>((r) => {
    resume = r;
  });
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (received >= pauseAfter) await gate;
        const r = await reader.read();
        if (r.done) return controller.close();
        received += r.value.byteLength;
        controller.enqueue(r.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, resume, received: () => received };
}
