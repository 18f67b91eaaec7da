// Bun-only consumer check: the "/bun" entry imports from the packed tarball and an atomic
// write + commit produces exactly the bytes, with the temp file gone.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeChunks, writeSubtreeData } from "@subtreekit/subtree-stream";
import { createAtomicFileSink, FileExistsError, sweepTempFiles } from "@subtreekit/subtree-stream/bun";

const dir = mkdtempSync(join(tmpdir(), "stk-smoke-"));
try {
  const final = join(dir, "smoke.subtreeData");
  const header = new TextEncoder().encode("SD-1.0  ");
  const sink = await createAtomicFileSink(final, { header });
  const follower = new Response(sink.follow()).arrayBuffer();
  const nodes = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
  const source = { getTxs: async (hashes) => hashes.map((h) => new Uint8Array([h[0], h[0]])) };
  const { txs, bytes } = await writeSubtreeData({ nodes: nodeChunks(nodes), source, sink });
  await sink.commit();
  const got = [...readFileSync(final)];
  const want = [...header, 1, 1, 2, 2, 3, 3];
  if (txs !== 3 || bytes !== 6) throw new Error(`counts: ${txs} txs, ${bytes} bytes`);
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`file bytes: ${got}`);
  const followed = [...new Uint8Array(await follower)];
  if (JSON.stringify(followed) !== JSON.stringify([1, 1, 2, 2, 3, 3])) throw new Error(`follower: ${followed}`);
  if (readdirSync(dir).length !== 1) throw new Error(`left behind: ${readdirSync(dir)}`);
  const exists = await createAtomicFileSink(final).catch((e) => e);
  if (!(exists instanceof FileExistsError)) throw new Error("expected FileExistsError");
  if ((await sweepTempFiles(dir)) !== 0) throw new Error("unexpected temp files");
  console.log("ok");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
