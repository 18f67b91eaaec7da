import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireVectors } from "@subtreekit/testkit";
import { runValidator, storedIn } from "../testing/run-validator.ts";
import {
  dripBody,
  loadVectorDir,
  type Override,
  splitTxs,
  stallBody,
  startVectorPeer,
  txidOf,
  type VectorPeer,
} from "../testing/vector-peer.ts";

const vectors = requireVectors("peer-validator misbehaving peers");
const ST = "b6b4a947cfe907494ebcb3b704d02dbc10b9e6fb647a3387ab464f3d6cb03139";
const OTHER = "cbd94f44d1711f7051c14018b18e7aff32088bbcde8d62341a19465baaf7ee9f";
const octet = { "content-type": "application/octet-stream" };

let files: Map<string, Uint8Array>;
let good: VectorPeer;
const dirs: string[] = [];
const peers: VectorPeer[] = [];

beforeAll(() => {
  if (!vectors) return;
  files = loadVectorDir(`${vectors}/171`);
  good = startVectorPeer(files);
});
afterAll(async () => {
  await good?.stop();
  await Promise.all(peers.map((p) => p.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempCwd(): string {
  const d = mkdtempSync(join(tmpdir(), "stk-validate-cli-"));
  dirs.push(d);
  return d;
}

/** A peer that misbehaves on `/subtree_data/ST` (or `/subtree/ST`) and serves the rest. */
function badPeer(on: "data" | "nodes", respond: () => Response): VectorPeer {
  const target = on === "data" ? `/subtree_data/${ST}` : `/subtree/${ST}`;
  const override: Override = (_req, path) => (path === target ? respond() : undefined);
  const p = startVectorPeer(files, override);
  peers.push(p);
  return p;
}

interface Case {
  name: string;
  on: "data" | "nodes";
  respond: () => Response;
  code: number;
  message: (peer: string) => (string | RegExp)[];
  args?: string[];
  maxMs?: number;
}

function cases(): Case[] {
  const data = files.get(`${ST}.subtree_data`)!;
  const txs = splitTxs(data);
  const other = splitTxs(files.get(`${OTHER}.subtree_data`)!);
  const body = (parts: Uint8Array[]) => () => new Response(Buffer.concat(parts), { headers: octet });
  const wrong = [...txs];
  wrong[5] = other[3]!;
  return [
    {
      name: "wrong txid at index 5",
      on: "data",
      respond: body(wrong),
      code: 1,
      message: (peer) => [peer, ST, "index 5", txidOf(txs[5]!), txidOf(other[3]!)],
    },
    {
      name: "one extra tx",
      on: "data",
      respond: body([...txs, other[0]!]),
      code: 1,
      message: (peer) => [peer, ST, /more txs than its 32 nodes \(extra tx at index 32\)/],
    },
    {
      name: "one missing tx",
      on: "data",
      respond: body(txs.slice(0, 31)),
      code: 1,
      message: (peer) => [peer, ST, "missing tx at index 31", txidOf(txs[31]!)],
    },
    {
      name: "nodes whose root is not the hash",
      on: "nodes",
      respond: () => new Response(files.get(`${OTHER}.subtree`)!.slice(), { headers: octet }),
      code: 1,
      message: (peer) => [peer, ST, `is ${OTHER}, expected ${ST}`],
    },
    {
      name: "500",
      on: "data",
      respond: () => Response.json({ message: "boom" }, { status: 500 }),
      code: 3,
      message: (peer) => [peer, /500/],
    },
    {
      name: "endless 503 with Retry-After: 3600",
      on: "data",
      respond: () => Response.json({ message: "busy" }, { status: 503, headers: { "retry-after": "3600" } }),
      code: 3,
      message: (peer) => [peer, /503/],
      maxMs: 5000,
    },
    {
      name: "slow-drip body past --timeout",
      on: "data",
      respond: () => new Response(dripBody(data, 200, 100), { headers: octet }),
      code: 3,
      message: (peer) => [peer, /timeout/i],
      args: ["--timeout", "1s"],
      maxMs: 6000,
    },
    {
      name: "body that stalls forever",
      on: "data",
      respond: () => new Response(stallBody(data, 1000), { headers: octet }),
      code: 3,
      message: (peer) => [peer, /timeout/i],
      args: ["--timeout", "1s"],
      maxMs: 6000,
    },
  ];
}

// A body cut mid-tx, an HTML 200, stalls, endless bodies, lying Content-Lengths, 503 forever and a
// close at the first byte are in apps/faults (src/peer-faults.test.ts), with their blame checked.
describe.skipIf(!vectors)("misbehaving peers (CLI as a child process)", () => {
  // built lazily: the vectors are loaded in beforeAll
  const names = [
    "wrong txid at index 5",
    "one extra tx",
    "one missing tx",
    "nodes whose root is not the hash",
    "500",
    "endless 503 with Retry-After: 3600",
    "slow-drip body past --timeout",
    "body that stalls forever",
  ];
  for (const name of names) {
    test(`${name}: right exit code and message, nothing stored; a second --peer succeeds`, async () => {
      const c = cases().find((x) => x.name === name)!;
      const bad = badPeer(c.on, c.respond);
      const alone = tempCwd();
      const r = await runValidator(["subtree", ST, "--peer", bad.url, ...(c.args ?? [])], alone);
      expect(r.code).toBe(c.code);
      for (const m of c.message(bad.url)) {
        if (typeof m === "string") expect(r.stderr).toContain(m);
        else expect(r.stderr).toMatch(m);
      }
      if (c.maxMs) expect(r.ms).toBeLessThan(c.maxMs);
      expect(await storedIn(alone)).toEqual({ files: [], txs: 0 });
      expect(r.stdout).toMatch(/^failed: .*0 subtree\(s\)/m);

      const both = tempCwd();
      const ok = await runValidator(["subtree", ST, "--peer", bad.url, "--peer", good.url, ...(c.args ?? [])], both);
      expect(ok.code).toBe(0);
      expect(ok.stderr).toContain(`peer ${bad.url} failed (${c.code === 1 ? "bad-data" : "unavailable"})`);
      const stored = await storedIn(both);
      expect(stored.txs).toBe(32);
      expect(stored.files).toEqual([`b6/${ST}.subtree`, `b6/${ST}.subtreeData`]);
    }, 20_000);
  }
});
