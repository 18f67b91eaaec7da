// Packaging smoke test (Bun only: bun:sqlite, Bun.SQL and Bun file sinks): install the tarball,
// open a SQLite tx store and a blob store in a temp dir, put and get, print "ok".
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBlobStore, openTxStore } from "@subtreekit/stores";

const dir = mkdtempSync(join(tmpdir(), "stores-smoke-"));
try {
  const txs = await openTxStore(`sqlite://${join(dir, "txs.sqlite")}`);
  const standard = new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const hash = new Uint8Array(Bun.SHA256.hash(Bun.SHA256.hash(standard)));
  await txs.putTxs([{ hash, standard, size: standard.length }]);
  const [got] = await txs.getTxs([hash]);
  await txs.close();

  const blobs = await openBlobStore(`file://${join(dir, "blobs")}?fsync=none`);
  await blobs.put(hash, "subtree", new Uint8Array([7, 7, 7]));
  const body = await blobs.get(hash, "subtree");
  const head = await Bun.file(blobs.path(hash, "subtree")).slice(0, 8).text();

  const ok = got?.length === 10 && body?.length === 3 && body[0] === 7 && head === "S-1.0   ";
  console.log(ok ? "ok" : `unexpected: tx ${got?.length}, blob ${body}, header ${JSON.stringify(head)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
