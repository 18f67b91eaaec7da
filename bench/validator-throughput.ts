// Benchmark: the peer validator's verify-while-streaming throughput of one big subtree_data
// (default 1,000,000 txs of 245 bytes, ~245 MB) served by our asset server over loopback, against
// `curl -o /dev/null` of the same URL (the wire's ceiling). Goal: ratio ≥ 0.7 — sha256d per tx
// and the tee into the local `.subtreeData` atomic file must not slow the download by more.
//
// Two scenarios, because what limits the download differs:
//   file       the server already has the .subtreeData file and sends it at loopback speed
//              (Bun.file): verification (sha256d per tx) is the only thing that can be slower
//   on-demand  the server builds the subtree_data from its SQLite tx store for each request (the
//              file is deleted between trials): the usual case for a new subtree
// Rows (each the best of TRIALS; ratio = curl seconds ÷ ours, so 1.0 = as fast as curl):
//   curl            curl -o /dev/null (baseline)
//   sha256d only    the txids of the same txs hashed from memory on one thread: the ceiling of
//                   any single-threaded verifier, to read the verify+tee row against
//   verify+tee      GET through fetchWithRetry, every tx parsed and sha256d-checked against its
//                   node, verified bytes written to an atomic file sink (then discarded)
//   validate (e2e)  validateSubtree into fresh SQLite + file stores: nodes, has() of every
//                   node, stream + verify + stage, one putTxs of all txs, commit (informational)
//
// The server runs in its own process, so it does not share the validator's event loop.
//
//   bun bench/validator-throughput.ts [txs=1000000] [trials=3] [e2e=1] [ondemand=1]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [mode, arg] = process.argv.slice(2);
if (mode === "--serve-asset") await serveAsset(arg!);
else await main();

async function serveAsset(dir: string) {
  const { loadSettings } = await import("../packages/settings/src/index.ts");
  const { openBlobStore, openTxStore } = await import("../packages/stores/src/index.ts");
  const { createAssetServer } = await import("../apps/asset-server/src/index.ts");
  const settings = loadSettings({ env: {}, files: [] });
  const blobStore = await openBlobStore(`file://${dir}/blobs?fsync=none`);
  const txStore = await openTxStore(`sqlite://${dir}/tx.sqlite`);
  const asset = createAssetServer({ settings, txStore, blobStore, heightScanMs: 0 });
  const { port } = await asset.listen({ port: 0, hostname: "127.0.0.1" });
  console.log(`PORT ${port}`);
}

/** `n` standard txs of 245 bytes (one input, one output, random scripts) in one buffer, and their txids. */
function makeTxs(n: number): { data: Uint8Array; nodes: Uint8Array } {
  const SIZE = 245;
  const data = new Uint8Array(n * SIZE);
  for (let p = 0; p < data.length; p += 65536)
    crypto.getRandomValues(data.subarray(p, Math.min(p + 65536, data.length)));
  const nodes = new Uint8Array(n * 32);
  const inner = new Uint8Array(32);
  for (let i = 0; i < n; i++) {
    const o = i * SIZE;
    data.set([1, 0, 0, 0, 1], o); // version, 1 input
    data.set([0, 0, 0, 0, 90], o + 37); // prev index, script length
    data.set([0xff, 0xff, 0xff, 0xff, 1, 0x10, 0x27, 0, 0, 0, 0, 0, 0, 95], o + 132); // seq, 1 output, value, len
    data.set([0, 0, 0, 0], o + 241); // lock time
    Bun.SHA256.hash(data.subarray(o, o + SIZE), inner);
    Bun.SHA256.hash(inner, nodes.subarray(i * 32, i * 32 + 32) as Uint8Array);
  }
  return { data, nodes };
}

async function main() {
  const n = Number(process.argv[2] ?? 1_000_000);
  const trials = Number(process.argv[3] ?? 3);
  const e2e = (process.argv[4] ?? "1") !== "0";
  const onDemand = (process.argv[5] ?? "1") !== "0";
  const { openBlobStore, openTxStore } = await import("../packages/stores/src/index.ts");
  const { merkleRoot, parseSubtreeNodes, serializeSubtree, toDisplayHex } = await import(
    "../packages/subtree-stream/src/index.ts"
  );
  const { sessionOf } = await import("../apps/peer-validator/src/session.ts");
  const { peerFetch } = await import("../apps/peer-validator/src/http/peer-fetch.ts");
  const { verifyDataStream } = await import("../apps/peer-validator/src/subtree/verify-data-stream.ts");
  const { StagedSubtree } = await import("../apps/peer-validator/src/subtree/staged.ts");
  const { validateSubtree } = await import("../apps/peer-validator/src/index.ts");

  const dir = mkdtempSync(join(tmpdir(), "bench-validator-"));
  let server: ReturnType<typeof Bun.spawn> | undefined;
  try {
    const t = performance.now();
    const { data, nodes } = makeTxs(n);
    const nodeList = parseSubtreeNodes(nodes);
    const root = merkleRoot(nodeList);
    const hex = toDisplayHex(root);
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const full = nodeList.map((hash) => ({ hash, fee: 0, size: 245 }));
    const subtree = {
      magic: undefined,
      storedRoot: root,
      fees: 0,
      sizeInBytes: 245 * n,
      nodes: full,
      conflictingNodes: [],
    };
    await blobs.put(root, "subtree", serializeSubtree(subtree, { magic: null }));
    await blobs.put(root, "subtreeData", data);
    console.log(
      `prepared ${n} txs (${(data.length / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    server = Bun.spawn(["bun", import.meta.path, "--serve-asset", dir], { stdout: "pipe", stderr: "inherit" });
    const reader = (server.stdout as ReadableStream<Uint8Array>).getReader();
    let out = "";
    while (!/PORT (\d+)/.test(out)) {
      const r = await reader.read();
      if (r.done) throw new Error("server did not start");
      out += new TextDecoder().decode(r.value);
    }
    const api = `http://127.0.0.1:${/PORT (\d+)/.exec(out)![1]}/api/v1`;
    const url = `${api}/subtree_data/${hex}`;

    const best = async (name: string, fn: () => Promise<number>, before?: () => Promise<unknown>) => {
      let min = Number.POSITIVE_INFINITY;
      for (let k = 0; k < trials; k++) {
        await before?.();
        const t0 = performance.now();
        const bytes = await fn();
        const s = (performance.now() - t0) / 1000;
        if (bytes !== data.length) throw new Error(`${name}: got ${bytes} bytes, expected ${data.length}`);
        min = Math.min(min, s);
      }
      return min;
    };
    const curlOnce = async () => {
      const p = Bun.spawn(["curl", "-s", "-o", "/dev/null", "-w", "%{size_download}", url], { stdout: "pipe" });
      const size = Number(await new Response(p.stdout).text());
      if ((await p.exited) !== 0) throw new Error("curl failed");
      return size;
    };
    const local = await openBlobStore(`file://${dir}/local?fsync=none`);
    const noStore = { has: async () => [], putTxs: async () => {} };
    const known = new Array<boolean>(n).fill(true);
    const verifyOnce = async () => {
      const s = sessionOf({ peers: [api], txStore: noStore, blobStore: local });
      const writer = await local.createWriter(root, "subtreeData");
      try {
        const { response } = await peerFetch(s, api, `/subtree_data/${hex}`);
        const r = await verifyDataStream(response.body, {
          nodes: nodeList,
          known,
          staged: new StagedSubtree(n),
          maxTxBytes: s.settings.max_tx_bytes,
          signal: s.signal,
          sink: (b) => writer.write(b),
          peer: api,
          url,
          subtree: hex,
        });
        return r.bytes;
      } finally {
        await writer.abort();
      }
    };
    const row = (name: string, s: number, base: number) =>
      console.log(
        `${name.padEnd(28)} ${s.toFixed(3).padStart(7)} s  ${(data.length / 1e6 / s).toFixed(0).padStart(5)} MB/s  ${(n / s / 1e6).toFixed(2)} Mtx/s  ratio ${(base / s).toFixed(2)}`,
      );
    console.log(`\nbest of ${trials}; ratio = curl time ÷ this time (goal for verify+tee: ≥ 0.70)`);
    const curl = await best("curl", curlOnce);
    const verify = await best("verify+tee", verifyOnce);
    // the ceiling of any verifier on this thread: sha256d of every tx, already in memory, no I/O
    const hashOnly = await best("sha256d only", async () => {
      const inner = new Uint8Array(32);
      const out = new Uint8Array(32);
      for (let p = 0; p < data.length; p += 245) {
        Bun.SHA256.hash(data.subarray(p, p + 245), inner);
        Bun.SHA256.hash(inner, out);
      }
      return data.length;
    });
    row("file: curl -o /dev/null", curl, curl);
    row("file: verify+tee", verify, curl);
    row("sha256d only, in memory", hashOnly, curl);

    if (onDemand) {
      // the server builds from its tx store: put every tx there, drop the file before each trial
      const serverTxs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
      const records = [];
      for (let i = 0; i < n; i++)
        records.push({
          hash: nodes.subarray(i * 32, i * 32 + 32),
          standard: data.subarray(i * 245, i * 245 + 245),
          size: 245,
        });
      await serverTxs.putTxs(records);
      await serverTxs.close();
      const drop = () => blobs.delete(root, "subtreeData");
      const curlBuild = await best("curl (on-demand)", curlOnce, drop);
      const verifyBuild = await best("verify+tee (on-demand)", verifyOnce, drop);
      row("on-demand: curl -o /dev/null", curlBuild, curlBuild);
      row("on-demand: verify+tee", verifyBuild, curlBuild);
    }

    if (e2e) {
      await blobs.put(root, "subtreeData", data).catch(() => {});
      const txStore = await openTxStore(`sqlite://${dir}/validator.sqlite`);
      const blobStore = await openBlobStore(`file://${dir}/validator?fsync=none`);
      const t0 = performance.now();
      const r = await validateSubtree({ hash: hex, peers: [api], txStore, blobStore });
      const s = (performance.now() - t0) / 1000;
      if (r.stored !== n) throw new Error(`e2e stored ${r.stored}`);
      row("file: validate (e2e)", s, curl);
      await txStore.close();
    }
  } finally {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
