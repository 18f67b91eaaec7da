import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { basename } from "node:path";
import { FileBlobStore } from "@subtreekit/stores";
import { seedSubtree } from "../../testing/fixtures.ts";
import { startTestServer, type TestServer } from "../../testing/server.ts";
import { dataFiles, idle, metric } from "../../testing/server-state.ts";
import { slowTxStore } from "../../testing/slow-tx-store.ts";
import { waitFor } from "../../testing/wait.ts";

/**
 * Issue 16, defect 1: another process (an import, a replica, a block persister) publishes the
 * `.subtreeData` of a subtree while this server builds it. The build must not leave its `.dah`
 * on the other writer's file (that would make an import expire), must not leave its temp file,
 * and its readers, whose bytes are all in the temp file, must get a clean, complete body.
 */
let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** Reads a response body to its end; a body that errors rejects. */
async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>, first: Uint8Array[]): Promise<Uint8Array> {
  const parts = [...first];
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  return Buffer.concat(parts);
}

describe("a file published by another writer mid-build (issue 16, defect 1)", () => {
  test("the build's client and follower get clean complete bodies; no .dah of ours and no temp file is left; the other writer's file stays (tx store slowed by a fake delay)", async () => {
    srv = await startTestServer({ asset_subtreeDataStreamingChunkSize: 1000 }, { wrapTxStore: slowTxStore(50) });
    const st = await seedSubtree(srv, 20_000, { txSize: 300 });
    const finalPath = srv.blobs.path(st.hash, "subtreeData");

    const client = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(client.status).toBe(200);
    const clientReader = client.body!.getReader();
    const clientFirst = await clientReader.read();
    const follower = await fetch(`${srv.api}/subtree_data/${st.hex}`);
    expect(follower.status).toBe(200);
    const followerReader = follower.body!.getReader();
    const followerFirst = await followerReader.read();
    // Mid-build: our .dah is down, the file is not published.
    const build = srv.asset.testing.build(st.hex);
    expect(build?.settled).toBe(false);
    expect(build?.followers).toBe(1);
    expect(existsSync(`${finalPath}.dah`)).toBe(true);
    expect(existsSync(finalPath)).toBe(false);

    // Another process on the same directory publishes the same subtree's data, with no retention.
    const importer = new FileBlobStore(srv.blobs.root, { fsync: "none" });
    await importer.put(st.hash, "subtreeData", st.data);
    const theirs = statSync(finalPath).ino;

    const [clientBody, followerBody] = await Promise.all([
      readAll(clientReader, [clientFirst.value!]),
      readAll(followerReader, [followerFirst.value!]),
    ]);
    expect(Buffer.compare(clientBody, st.data)).toBe(0);
    expect(Buffer.compare(followerBody, st.data)).toBe(0);

    await idle(srv);
    // Only the other writer's file: no .dah (an import keeps its file forever), no temp file.
    expect(dataFiles(srv, st.hash)).toEqual([basename(finalPath)]);
    expect(statSync(finalPath).ino).toBe(theirs);
    expect(await srv.blobs.getDAH(st.hash, "subtreeData")).toBe(0);
    expect(
      await metric(srv, 'teranode_asset_repository_subtree_data_created_total{result="success",source="file_existed"}'),
    ).toBe(1);
    expect(
      await metric(
        srv,
        'teranode_asset_repository_subtree_data_created_total{result="success",source="on_demand_created"}',
      ),
    ).toBe(0);
  }, 30_000);

  test("finish_on_disconnect, every reader gone before the commit: no temp file and no .dah are left (tx store slowed by a fake delay)", async () => {
    srv = await startTestServer(
      { asset_subtreeDataStreamingChunkSize: 1000, asset_subtree_data_finish_on_disconnect: true },
      { wrapTxStore: slowTxStore(50) },
    );
    const st = await seedSubtree(srv, 20_000, { txSize: 300 });
    const finalPath = srv.blobs.path(st.hash, "subtreeData");
    const ac = new AbortController();
    const client = await fetch(`${srv.api}/subtree_data/${st.hex}`, { signal: ac.signal });
    expect(client.status).toBe(200);
    await client.body!.getReader().read();
    ac.abort();
    const t = srv.asset.testing;
    await waitFor(() => t.readerInUse === 0 && t.build(st.hex)?.readers === 0, 5000, "the reader gone");
    // The build goes on without readers (finish_on_disconnect).
    expect(t.build(st.hex)?.settled).toBe(false);

    const importer = new FileBlobStore(srv.blobs.root, { fsync: "none" });
    await importer.put(st.hash, "subtreeData", st.data);
    const theirs = statSync(finalPath).ino;

    await idle(srv);
    expect(dataFiles(srv, st.hash)).toEqual([basename(finalPath)]);
    expect(statSync(finalPath).ino).toBe(theirs);
    expect(
      await metric(srv, 'teranode_asset_repository_subtree_data_created_total{result="success",source="file_existed"}'),
    ).toBe(1);
  }, 30_000);
});
