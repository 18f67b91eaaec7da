import { isCoinbasePlaceholder, merkleHeight, parseSubtree } from "@subtreekit/subtree-stream";
import { UsageError } from "../errors/usage-error.ts";
import { attemptBudgetMs } from "../http/attempt-budget.ts";
import { guardedBody } from "../http/body-chunks.ts";
import { peerFetch } from "../http/peer-fetch.ts";
import { type RunInput, type Session, sessionOf, withSignal } from "../session.ts";
import type { BlobWriter } from "../types.ts";
import { CollectEvery } from "./collect-every.ts";
import { commitSubtree } from "./commit-subtree.ts";
import { fetchMissingTxs } from "./fetch-missing-txs.ts";
import { fetchNodes } from "./fetch-nodes.ts";
import { NodeHashes } from "./node-hashes.ts";
import { StagedSubtree } from "./staged.ts";
import { StagedInFile, type StagingFile } from "./staged-in-file.ts";
import { verifyDataStream } from "./verify-data-stream.ts";

/** `hash`: the subtree hash, display hex (64 chars). */
export type ValidateSubtreeOptions = RunInput & { hash: string };

export interface SubtreeResult {
  hash: string;
  /** Node hashes (internal order), as verified or as stored earlier, in one buffer. */
  nodes: NodeHashes;
  /** The peer that served it; undefined when it was already stored. */
  peer: string | undefined;
  /** How the txs came: the whole stream, per-tx POST, none missing, or already stored. */
  path: "data" | "txs" | "none" | "stored";
  /** Txs newly put into the tx store. */
  stored: number;
  bytes: number;
}

/**
 * Fetches one subtree from the first peer that can deliver it, verifies it, and only then commits
 * its missing txs (one store transaction), its `.subtreeData` (when streamed) and the subtree
 * (atomic files). A mismatch stores nothing and marks that peer bad; the next peer is tried.
 *
 * @example
 * ```ts
 * const r = await validateSubtree({ hash, peers: ["http://127.0.0.1:8090/api/v1"], txStore, blobStore });
 * console.log(r.path, r.stored);
 * ```
 */
export async function validateSubtree(o: ValidateSubtreeOptions): Promise<SubtreeResult> {
  const s = sessionOf(o);
  const hash = parseHash(o.hash, "subtree");
  const hex = o.hash.toLowerCase();
  const existing = await s.blobStore.get(hash, "subtree", { signal: s.signal });
  if (existing) {
    s.emit({ type: "already-stored", kind: "subtree", hash: hex });
    return {
      hash: hex,
      nodes: NodeHashes.of(parseSubtree(existing).nodes.map((x) => x.hash)),
      peer: undefined,
      path: "stored",
      stored: 0,
      bytes: 0,
    };
  }
  try {
    return await s.peers.tryEach(`subtree ${hex}`, s.signal, (peer, peerSignal) =>
      fromPeer(s, withSignal(s, peerSignal), peer, hash, hex),
    );
  } catch (err) {
    s.emit({
      type: "subtree-failed",
      subtree: hex,
      code: (err as { code?: string }).code ?? "ERROR",
      message: (err as Error).message,
    });
    throw err;
  }
}

/**
 * `run` is the run's session (the commit uses it: a verified subtree is stored even if its peer is
 * dropped meanwhile); `s` is the same with the peer's signal, for everything that talks to the peer.
 */
async function fromPeer(run: Session, s: Session, peer: string, hash: Uint8Array, hex: string): Promise<SubtreeResult> {
  s.emit({ type: "subtree-start", subtree: hex, peer });
  const nodes = await fetchNodes(s, peer, hex);
  const n = nodes.length;
  // Before has(): if nothing is added until the commit, what has() found absent still is.
  const mark = await s.txStore.mark?.({ signal: s.signal });
  const known = await knownNodes(s, nodes);
  let missing = 0;
  for (let i = 0; i < n; i++) if (known[i] === 0) missing++;
  // the reference compares against the capacity 2^⌈log2 n⌉, not n (spec §4.2 step 2)
  const percent = (100 * missing) / 2 ** merkleHeight(n);
  const path =
    missing === 0 ? "none" : percent > s.settings.subtreevalidation_percentageMissingGetFullData ? "data" : "txs";
  s.emit({ type: "subtree-nodes", subtree: hex, peer, nodes: n, missing: missing, path });
  const progress = (txs: number, bytes: number) => s.emit({ type: "progress", subtree: hex, txs, bytes });
  let writer: BlobWriter | undefined;
  let staged = new StagedSubtree(n);
  let bytes = 0;
  try {
    if (path === "data") {
      if (!(await s.blobStore.exists(hash, "subtreeData", { signal: s.signal })))
        writer = await s.blobStore.createWriter(hash, "subtreeData");
      // the missing txs are found again in the sink's temp file at commit; without one (the
      // .subtreeData is already stored, or a blob store whose writer has none) they stay in memory
      const file = stagingFile(writer);
      if (file) staged = new StagedSubtree(n, new StagedInFile(n, file));
      const { response, url, deadline, stallMs } = await peerFetch(s, peer, `/subtree_data/${hex}`, {
        budgetMs: attemptBudgetMs(s, n),
      });
      const w = writer;
      // every read waits at most the stall timeout, and the whole body the attempt's budget
      const guard = { signal: s.signal, deadline, stallMs, peer, url };
      const r = await verifyDataStream(response.body && guardedBody(response.body, guard), {
        nodes,
        known,
        staged,
        maxTxBytes: s.settings.max_tx_bytes,
        signal: s.signal,
        sink: w ? (b) => w.write(b) : undefined,
        onProgress: progress,
        peer,
        url,
        subtree: hex,
      });
      bytes = r.bytes;
    } else if (path === "txs") {
      await fetchMissingTxs(s, peer, hex, nodes, missingOf(known), staged, (t, b) => {
        bytes += b;
        progress(t, b);
      });
    }
    s.signal.throwIfAborted();
  } catch (err) {
    await writer?.abort(err);
    throw err;
  }
  await commitSubtree(run, hash, nodes, staged, writer, mark);
  s.emit({ type: "subtree-done", subtree: hex, peer, txs: n, bytes, stored: staged.count });
  return { hash: hex, nodes, peer, path, stored: staged.count, bytes };
}

/** Indexes of the nodes the store lacks (the POST path: at most the missing share of the subtree). */
function missingOf(known: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < known.length; i++) if (known[i] === 0) out.push(i);
  return out;
}

/**
 * Per node, 1 when the store has its tx (the placeholder counts as known). Asked a bounded chunk
 * at a time: one `has` of every node held the whole subtree's lookup state at once.
 */
async function knownNodes(s: Session, nodes: NodeHashes): Promise<Uint8Array> {
  const known = new Uint8Array(nodes.length);
  const placeholder = isCoinbasePlaceholder(nodes.at(0));
  if (placeholder) known[0] = 1;
  let i = placeholder ? 1 : 0;
  // each chunk leaves its views, keys and answers behind (~100 B a node)
  const collect = new CollectEvery(65_536);
  for (const chunk of nodes.chunks(i)) {
    const has = await s.txStore.has(chunk, { signal: s.signal });
    for (let k = 0; k < has.length; k++) known[i + k] = has[k] ? 1 : 0;
    i += chunk.length;
    collect.add(chunk.length);
  }
  return known;
}

/** The writer's temp file when it exposes one (the file blob store's atomic sink does). */
function stagingFile(w: BlobWriter | undefined): StagingFile | undefined {
  if (!w || typeof w.tempPath !== "string" || typeof w.headerBytes !== "number" || typeof w.flush !== "function")
    return undefined;
  const { tempPath, finalPath, headerBytes } = w;
  return { tempPath, finalPath, headerBytes, flush: () => w.flush!() };
}

/** Internal-order hash of a 64-hex display hash; a UsageError names what was wrong. */
export function parseHash(hex: string, what: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new UsageError("BAD_ARGS", `${what} hash must be 64 hex characters, got ${JSON.stringify(hex)}`);
  return new Uint8Array(Buffer.from(hex, "hex")).reverse();
}
