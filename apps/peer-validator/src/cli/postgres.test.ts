import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTxStore } from "@subtreekit/stores";
import { requirePostgres, requireVectors } from "@subtreekit/testkit";
import { runValidator } from "../testing/run-validator.ts";
import { loadVectorDir, startVectorPeer, type VectorPeer } from "../testing/vector-peer.ts";

const vectors = requireVectors("peer-validator with a Postgres tx store");
const pg = vectors ? await requirePostgres("peer-validator with a Postgres tx store") : undefined;
const ST = "b6b4a947cfe907494ebcb3b704d02dbc10b9e6fb647a3387ab464f3d6cb03139";
// a schema of its own, so tests sharing the database never see each other's txs
const schema = `pv_${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`;
let peer: VectorPeer | undefined;
let dir: string | undefined;

afterAll(async () => {
  await peer?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (pg) {
    const sql = new Bun.SQL(pg, { max: 1 });
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await sql.close();
  }
});

test.skipIf(!pg)("--txstore postgres://…: the verified txs land in Postgres in one transaction", async () => {
  peer = startVectorPeer(loadVectorDir(`${vectors}/171`));
  dir = mkdtempSync(join(tmpdir(), "stk-validate-pg-"));
  const url = `${pg}${pg!.includes("?") ? "&" : "?"}schema=${schema}`;
  const r = await runValidator(["subtree", ST, "--peer", peer.url, "--txstore", url], dir);
  expect(r.code).toBe(0);
  const store = await openTxStore(url);
  try {
    expect(await store.count()).toBe(32);
  } finally {
    await store.close();
  }
});
