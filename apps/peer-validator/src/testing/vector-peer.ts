import { readdirSync, readFileSync } from "node:fs";
import { parseTx, toDisplayHex, txid } from "@subtreekit/subtree-stream";

/** One request as the test peer saw it. */
export interface LoggedRequest {
  method: string;
  path: string;
  /** For POST /txs: how many txids were asked for. */
  txids?: number;
}

/** Returns a Response to misbehave, or undefined to serve the vectors normally. */
export type Override = (req: Request, path: string, serve: () => Response) => Response | Promise<Response> | undefined;

export interface VectorPeer {
  /** Base URL including the API prefix, as a `--peer`. */
  url: string;
  log: LoggedRequest[];
  override: Override | undefined;
  stop(): Promise<void>;
}

/** Every file of a vectors folder of `<hash>.<ext>` files, by name. */
export function loadVectorDir(dir: string): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>();
  for (const f of readdirSync(dir)) m.set(f, new Uint8Array(readFileSync(`${dir}/${f}`)));
  return m;
}

/** Each tx of a concatenated tx body, keyed by display txid. */
export function indexTxs(body: Uint8Array, into = new Map<string, Uint8Array>()): Map<string, Uint8Array> {
  for (const tx of splitTxs(body)) into.set(txidOf(tx), tx);
  return into;
}

/**
 * A tiny asset-server stand-in on port 0 serving real vectors (`<hash>.subtree` nodes bodies,
 * `<hash>.subtree_data`, `<hash>.block`) under `/api/v1`, with a hook to misbehave per request.
 */
export function startVectorPeer(files: Map<string, Uint8Array>, override?: Override): VectorPeer {
  const txs = new Map<string, Uint8Array>();
  for (const [name, bytes] of files) if (name.endsWith(".subtree_data")) indexTxs(bytes, txs);
  const log: LoggedRequest[] = [];
  const peer: VectorPeer = { url: "", log, override, stop: async () => {} };
  const server = Bun.serve({
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname.replace(/^\/api\/v1/, "");
      const entry: LoggedRequest = { method: req.method, path };
      log.push(entry);
      let body: Uint8Array | undefined;
      if (req.method === "POST") {
        body = new Uint8Array(await req.arrayBuffer());
        entry.txids = body.length / 32;
      }
      const serve = () => serveVector(files, txs, req.method, path, body);
      return (await peer.override?.(req, path, serve)) ?? serve();
    },
  });
  peer.url = `http://127.0.0.1:${server.port}/api/v1`;
  peer.stop = () => server.stop(true);
  return peer;
}

function serveVector(
  files: Map<string, Uint8Array>,
  txs: Map<string, Uint8Array>,
  method: string,
  path: string,
  body: Uint8Array | undefined,
): Response {
  const m = /^\/(subtree|subtree_data|block)\/([0-9a-f]{64})(\/txs)?$/.exec(path);
  if (!m) return Response.json({ message: "not found" }, { status: 404 });
  if (method === "POST" && m[1] === "subtree" && m[3] && body) {
    const parts: Uint8Array[] = [];
    for (let k = body.length / 32 - 1; k >= 0; k--) {
      // answer in reverse order: the client must match by txid, not position
      const tx = txs.get(toDisplayHex(body.subarray(k * 32, k * 32 + 32)));
      if (tx) parts.push(tx);
    }
    return new Response(Buffer.concat(parts), { headers: { "content-type": "application/octet-stream" } });
  }
  const file = files.get(`${m[2]}.${m[1]}`);
  if (!file) return Response.json({ message: "not found" }, { status: 404 });
  return new Response(file as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/octet-stream" } });
}

/** The txs of a concatenated tx body, in order (views). */
export function splitTxs(body: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = 0; p < body.length; ) {
    const tx = parseTx(body, p);
    out.push(tx.bytes);
    p += tx.size;
  }
  return out;
}

/** Display txid of one tx (standard or extended). */
export function txidOf(tx: Uint8Array): string {
  return toDisplayHex(txid(tx));
}

/** A body that arrives `chunk` bytes every `everyMs` (a slow-drip peer). */
export function dripBody(bytes: Uint8Array, chunk: number, everyMs: number): ReadableStream<Uint8Array> {
  let pos = 0;
  return new ReadableStream({
    async pull(c) {
      await Bun.sleep(everyMs);
      c.enqueue(bytes.slice(pos, pos + chunk));
      pos += chunk;
      if (pos >= bytes.length) c.close();
    },
  });
}

/** A body that sends `first` bytes and then nothing, forever (until the client goes). */
export function stallBody(bytes: Uint8Array, first: number): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    async pull(c) {
      if (!sent) {
        sent = true;
        c.enqueue(bytes.slice(0, first));
        return;
      }
      await new Promise(() => {});
    },
  });
}
