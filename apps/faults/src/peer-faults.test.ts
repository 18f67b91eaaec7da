import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runValidator, storedIn } from "@subtreekit/peer-validator/testing/run-validator.ts";
import {
  dripBody,
  loadVectorDir,
  startVectorPeer,
  type VectorPeer,
} from "@subtreekit/peer-validator/testing/vector-peer.ts";
import { requireVectors } from "@subtreekit/testkit";
import { type RawFault, rawHead, startRawPeer } from "./testing/raw-peer.ts";

/**
 * Peer-side faults (issue 20): `subtreekit-validate subtree` as a real child process against one
 * misbehaving peer, then against it and an honest one. Misbehaviour a real server can produce
 * (a slow, endless or cut body, HTML, 503s) comes from a real `Bun.serve` on port 0; what it
 * cannot (a lying Content-Length, headers then silence, a close at the first byte) from the raw
 * TCP test double in `testing/raw-peer.ts`. Small limits come in as settings, as an operator
 * would set them; the defaults (30 s stall) are the same code with larger numbers.
 */
const vectors = requireVectors("peer-side faults");
// subtree 1 of block 171: 32 txs, no coinbase placeholder
const ST = "b6b4a947cfe907494ebcb3b704d02dbc10b9e6fb647a3387ab464f3d6cb03139";
const DATA_PATH = `/subtree_data/${ST}`;
const octet = { "content-type": "application/octet-stream" };
const LIMITS = {
  http_stall_timeout: "500",
  // far above the stall timeout: a stall that were not caught would end as TIMEOUT, and fail
  http_streaming_timeout: "8000",
  peer_retry_max_attempts: "3",
  peer_retry_initial_delay_ms: "20",
  peer_retry_max_delay_ms: "50",
};

interface Fault {
  name: string;
  /** The misbehaving peer (it serves everything but `/subtree_data/ST` honestly). */
  start: () => Promise<{ url: string; stop(): Promise<unknown> }>;
  kind: "stalled" | "unavailable" | "bad-data";
  code: string;
  exit: number;
  /** The cause, as the one line about this peer says it. */
  cause: RegExp;
  env?: Record<string, string>;
}

let files: Map<string, Uint8Array>;
let data: Uint8Array;
let good: VectorPeer;
let upstream: VectorPeer;
const dirs: string[] = [];
const stops: (() => Promise<unknown>)[] = [];

beforeAll(() => {
  if (!vectors) return;
  files = loadVectorDir(`${vectors}/171`);
  data = files.get(`${ST}.subtree_data`)!;
  good = startVectorPeer(files);
  upstream = startVectorPeer(files);
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await good?.stop();
  await upstream?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A real Bun.serve peer that answers `/subtree_data/ST` with `respond()` and serves the rest. */
const served = (respond: () => Response) => async () =>
  startVectorPeer(files, (_req, path) => (path === DATA_PATH ? respond() : undefined));
/** The raw test double, doing `fault` on `/subtree_data/ST` and relaying the rest. */
const raw = (fault: RawFault) => () =>
  startRawPeer(upstream.url, (_m, path) => (path === DATA_PATH ? fault : undefined));

function faults(): Fault[] {
  return [
    {
      name: "accepts the request and never sends headers",
      start: raw(() => {}),
      kind: "stalled",
      code: "STALLED",
      exit: 3,
      cause: /no response headers within http_stall_timeout \(500 ms\)/,
    },
    {
      name: "headers, then silence",
      start: raw((socket) => socket.write(rawHead(200, data.length))),
      kind: "stalled",
      code: "STALLED",
      exit: 3,
      cause: /no body byte for http_stall_timeout \(500 ms\)/,
    },
    {
      name: "a body that drips 1 byte a second (never stalls; the attempt budget ends it)",
      start: served(() => new Response(dripBody(data, 1, 1000), { headers: octet })),
      kind: "unavailable",
      code: "TIMEOUT",
      exit: 3,
      cause: /body not complete within the attempt timeout/,
      env: { http_stall_timeout: "3000", http_streaming_timeout: "2500" },
    },
    {
      name: "a body that ends mid-tx",
      start: served(() => new Response(data.slice(0, data.length - 17), { headers: octet })),
      kind: "bad-data",
      code: "TRUNCATED",
      exit: 1,
      cause: /truncated tx at index 31/,
    },
    {
      name: "an endless body (the subtree's txs, then more, forever)",
      start: served(
        () => new Response(new ReadableStream({ pull: (c) => c.enqueue(data.slice()) }), { headers: octet }),
      ),
      kind: "bad-data",
      code: "COUNT_MISMATCH",
      exit: 1,
      cause: /more txs than its 32 nodes \(extra tx at index 32\)/,
    },
    {
      name: "a Content-Length shorter than the body",
      start: raw((socket) => socket.end(Buffer.concat([rawHead(200, data.length - 100), data]))),
      kind: "bad-data",
      code: "TRUNCATED",
      exit: 1,
      cause: /truncated tx at index 31/,
    },
    {
      name: "a Content-Length longer than the body, then the connection closed",
      start: raw((socket) => socket.end(Buffer.concat([rawHead(200, data.length + 1000), data]))),
      kind: "unavailable",
      code: "NETWORK",
      exit: 3,
      cause: /body broke off/,
    },
    {
      name: "a 200 with an HTML error page",
      start: served(
        () => new Response("<html><body>502 Bad Gateway</body></html>", { headers: { "content-type": "text/html" } }),
      ),
      kind: "unavailable",
      code: "HTTP_STATUS",
      exit: 3,
      cause: /returned HTML where binary was expected/,
    },
    {
      name: "503 forever",
      start: served(() => Response.json({ message: "busy" }, { status: 503 })),
      kind: "unavailable",
      code: "UNAVAILABLE",
      exit: 3,
      cause: /503.*after 3 attempt\(s\)/,
    },
    {
      name: "closes the connection at the first byte",
      start: raw((socket) => {
        socket.write("H");
        socket.destroy();
      }),
      kind: "unavailable",
      code: "NETWORK",
      exit: 3,
      cause: /failed|closed|reset|broke off/i,
    },
  ];
}

const NAMES = [
  "accepts the request and never sends headers",
  "headers, then silence",
  "a body that drips 1 byte a second (never stalls; the attempt budget ends it)",
  "a body that ends mid-tx",
  "an endless body (the subtree's txs, then more, forever)",
  "a Content-Length shorter than the body",
  "a Content-Length longer than the body, then the connection closed",
  "a 200 with an HTML error page",
  "503 forever",
  "closes the connection at the first byte",
];

function tempCwd(): string {
  const d = mkdtempSync(join(tmpdir(), "faults-peer-"));
  dirs.push(d);
  return d;
}

/** The fields of `--json` lines this test reads (peer-failed, subtree-done, summary). */
interface JsonLine {
  type: string;
  peer?: string;
  kind?: string;
  code?: string;
  message?: string;
  badPeers?: string[];
  stalledPeers?: string[];
}

describe.skipIf(!vectors)(
  "peer-side faults: the validator ends within its limits, stores nothing from the peer and blames only it",
  () => {
    for (const name of NAMES) {
      test(name, async () => {
        const f = faults().find((x) => x.name === name)!;
        const bad = await f.start();
        stops.push(() => bad.stop());
        const env = { ...LIMITS, ...f.env };

        // alone: the right exit code, one line naming the peer and the cause, nothing stored
        const alone = tempCwd();
        const r = await runValidator(["subtree", ST, "--peer", bad.url], alone, env);
        expect(r.code).toBe(f.exit);
        const lines = r.stderr.split("\n").filter((l) => l.startsWith(`peer ${bad.url} failed`));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`failed (${f.kind}) for subtree ${ST}: `);
        expect(lines[0]).toMatch(f.cause);
        expect(await storedIn(alone)).toEqual({ files: [], txs: 0 });

        // then an honest peer: it delivers, and the --json events blame exactly the failing peer
        const both = tempCwd();
        const ok = await runValidator(["subtree", ST, "--peer", bad.url, "--peer", good.url, "--json"], both, env);
        expect(ok.code).toBe(0);
        const events = ok.stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as JsonLine);
        const failed = events.filter((e) => e.type === "peer-failed");
        expect(failed.map((e) => [e.peer, e.kind, e.code])).toEqual([[bad.url, f.kind, f.code]]);
        expect(failed[0]!.message).toMatch(f.cause);
        const done = events.find((e) => e.type === "subtree-done");
        expect(done?.peer).toBe(good.url);
        const summary = events.find((e) => e.type === "summary");
        expect(summary?.badPeers).toEqual(f.kind === "bad-data" ? [bad.url] : []);
        expect(summary?.stalledPeers).toEqual(f.kind === "stalled" ? [bad.url] : []);
        const stored = await storedIn(both);
        expect(stored.txs).toBe(32);
        expect(stored.files).toEqual([`b6/${ST}.subtree`, `b6/${ST}.subtreeData`]);
      }, 30_000);
    }
  },
);
