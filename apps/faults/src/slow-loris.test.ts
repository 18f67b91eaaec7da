import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetchNodes, fetchVerified } from "./testing/peer.ts";
import { seedBlock } from "./testing/seed.ts";
import { type ServerProcess, startServer } from "./testing/server-process.ts";
import { slowClients } from "./testing/slow-clients.ts";

const dir = mkdtempSync(join(tmpdir(), "faults-slowloris-"));
let server: ServerProcess | undefined;
let clients: Awaited<ReturnType<typeof slowClients>> | undefined;

afterAll(async () => {
  clients?.close();
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test("slow-loris: 1000 connections trickling their headers do not stop a normal fetch (an on-demand build, then the file) from completing", async () => {
  const env = { txstore: `sqlite://${join(dir, "tx.sqlite")}`, subtreestore: `file://${join(dir, "blobs")}` };
  const hash = seedBlock({ ...env, subtrees: 1, txs: 5000, txBytes: 1000, seed: 23 }).subtrees[0] as string;
  server = await startServer({ cwd: dir, env });
  const nodes = await fetchNodes(server.api, hash);

  clients = await slowClients({ port: server.port, count: 1000, dripMs: 500 });
  expect(clients.opened()).toBe(1000);
  await Bun.sleep(1200); // a couple of drips, so each connection is mid-headers, not just opened

  // A normal peer: the build, then the existing file, each fully verified.
  const signal = AbortSignal.timeout(20_000);
  expect(await fetchVerified(server.api, hash, nodes, { signal })).toBe(nodes.length - 1);
  expect(await fetchVerified(server.api, hash, nodes, { signal })).toBe(nodes.length - 1);
  expect((await fetch(`${server.url}/health`, { signal })).status).toBe(200);
  // The slow connections were really held open during the fetch (not refused or dropped at once).
  expect(clients.alive()).toBeGreaterThan(900);
}, 60_000);
