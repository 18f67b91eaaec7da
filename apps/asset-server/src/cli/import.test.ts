import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSettings } from "@subtreekit/settings";
import { type FileBlobStore, openBlobStore, openTxStore, type TxStore } from "@subtreekit/stores";
import {
  fromDisplayHex,
  isCoinbasePlaceholder,
  legacyBlockPrefix,
  merkleRoot,
  parseSubtree,
  parseSubtreeNodes,
  parseWireBlock,
  readSubtreeData,
  serializeSubtreeNodes,
  toDisplayHex,
  txid,
} from "@subtreekit/subtree-stream";
import { requireVectors } from "@subtreekit/testkit";
import { type AssetServer, createAssetServer } from "../server/create.ts";
import type { AssetSettings } from "../server/settings.ts";
import { importCli } from "./import-test-helper.ts";

const V = requireVectors("asset-server import byte-identity tests");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const files = (sub: string) => readdirSync(join(V as string, sub)).map((f) => join(V as string, sub, f));
const bytes = (p: string) => new Uint8Array(readFileSync(p));
const hashOf = (p: string) => (p.split("/").pop() as string).slice(0, 64);

describe.skipIf(!V)("import every kind of vector file, then serve it", () => {
  let dir: string;
  let api: string;
  let asset: AssetServer;
  let txs: TxStore;
  let blobs: FileBlobStore;
  let imported: { stdout: string; stderr: string; code: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "import-all-"));
    dirs.push(dir);
    const all = [...files("171"), ...files("subtrees"), ...files("model"), ...files("legacy-blocks"), ...files("txs")];
    imported = await importCli(dir, all);
    txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const settings = { ...loadSettings({ env: {}, files: [] }) } as AssetSettings;
    asset = createAssetServer({ settings, txStore: txs, blobStore: blobs, heightScanMs: 0 });
    const running = await asset.listen({ port: 0, hostname: "127.0.0.1" });
    api = `${running.url}${settings.asset_apiPrefix}`;
  }, 60_000);
  afterAll(async () => {
    await asset?.shutdown({ graceMs: 0 });
    await txs?.close();
  });

  const get = async (path: string) => {
    const res = await fetch(`${api}${path}`);
    return { status: res.status, body: new Uint8Array(await res.arrayBuffer()), type: res.headers.get("content-type") };
  };

  /** Every tx of `/subtree_data/:hash` matched against the subtree's nodes, in order. */
  const dataTxids = async (hash: string, nodes: Uint8Array[]) => {
    const res = await fetch(`${api}/subtree_data/${hash}`);
    expect(res.status).toBe(200);
    const seen: string[] = [];
    for await (const tx of readSubtreeData(res.body as ReadableStream<Uint8Array>, nodes)) {
      seen.push(toDisplayHex(tx.txid));
    }
    return seen;
  };
  const realNodes = (nodes: Uint8Array[]) => nodes.filter((n) => !isCoinbasePlaceholder(n)).map(toDisplayHex);

  test("the import exits 0 and reports every input", () => {
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    // 3 model blocks, 3 subtrees, 1 data-only subtree, 4 wire blocks, 8 txs (+ the EF tx of legacy-blocks)
    expect(imported.stdout.trim().split("\n")).toHaveLength(3 + 3 + 1 + 4 + 9);
  });

  test("171: /block is the block file, every /subtree the nodes-only file, every /subtree_data exactly its txids", async () => {
    const block = files("171").find((f) => f.endsWith(".block")) as string;
    const got = await get(`/block/${hashOf(block)}`);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body, bytes(block))).toBe(0);
    const subtrees = files("171").filter((f) => f.endsWith(".subtree"));
    expect(subtrees).toHaveLength(32);
    // Without --keep-subtree-data only the txs were stored: the data below is built on demand.
    for (const f of subtrees) expect(await blobs.exists(fromDisplayHex(hashOf(f)), "subtreeData")).toBe(false);
    for (const f of subtrees) {
      const st = await get(`/subtree/${hashOf(f)}`);
      expect(Buffer.compare(st.body, bytes(f))).toBe(0);
      const nodes = parseSubtreeNodes(bytes(f));
      expect(await dataTxids(hashOf(f), nodes)).toEqual(realNodes(nodes));
    }
  }, 30_000);

  test("171 as a legacy block: 1024 txs whose merkle root is the header's, exactly sizeInBytes long", async () => {
    const block = files("171").find((f) => f.endsWith(".block")) as string;
    const got = await get(`/block_legacy/${hashOf(block)}?wire=1`);
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(233441);
    const wire = parseWireBlock(got.body);
    expect(wire.txs).toHaveLength(1024);
    expect(toDisplayHex(wire.header.merkleRoot)).toBe(
      "272b43f0411116ed9fd9f3cfdeffff4b8a214559343a1d9f982870d5de2f5829",
    );
    expect(toDisplayHex(merkleRoot(wire.txs.map((t) => txid(t))))).toBe(toDisplayHex(wire.header.merkleRoot));
  });

  test("model blocks: /block is the file, /subtree the nodes-only file", async () => {
    for (const f of files("model")) {
      const got = await get(`/${f.endsWith(".block") ? "block" : "subtree"}/${hashOf(f)}`);
      expect(got.status).toBe(200);
      expect(Buffer.compare(got.body, bytes(f))).toBe(0);
    }
  });

  test("mainnet wire blocks: /block_legacy?wire=1 is the file byte for byte, the prefixed form adds the reference's prefix", async () => {
    for (const f of files("legacy-blocks").filter((x) => x.endsWith(".bin"))) {
      const file = bytes(f);
      const wire = await get(`/block_legacy/${hashOf(f)}?wire=1`);
      expect(wire.status).toBe(200);
      expect(wire.body.length).toBe(file.length);
      expect(Buffer.compare(wire.body, file)).toBe(0);
      const prefixed = await get(`/block_legacy/${hashOf(f)}`);
      const n = parseWireBlock(file).txs.length;
      expect(Buffer.compare(prefixed.body, Buffer.concat([legacyBlockPrefix(file.length, n), file]))).toBe(0);
      // Each generated subtree serves subtree data that verifies against its nodes.
      const json = await (await fetch(`${api}/block/${hashOf(f)}/json`)).json();
      for (const st of json.subtrees as string[]) {
        const nodes = parseSubtreeNodes((await get(`/subtree/${st}`)).body);
        expect(await dataTxids(st, nodes)).toEqual(realNodes(nodes));
      }
    }
  }, 30_000);

  test("subtrees/: nodes-only e973 with its data, full-form fd61 and 4d22, data-only 8ddeb", async () => {
    const e973 = join(V as string, "subtrees", "e973de16e606750feed45d7b02dcf493887ef27acabbd7913710b9f3454f2555");
    const nodes = parseSubtreeNodes(bytes(`${e973}.subtree`));
    expect(Buffer.compare((await get(`/subtree/${hashOf(e973)}`)).body, bytes(`${e973}.subtree`))).toBe(0);
    expect(await dataTxids(hashOf(e973), nodes)).toEqual(realNodes(nodes));
    // Standard txs in node order: the built data equals the given file.
    expect(Buffer.compare((await get(`/subtree_data/${hashOf(e973)}`)).body, bytes(`${e973}.subtreeData`))).toBe(0);
    // Fees and sizes of the stored full form came from the txs.
    const full = parseSubtree((await blobs.get(fromDisplayHex(hashOf(e973)), "subtree")) as Uint8Array);
    expect(full.sizeInBytes).toBe(196110);

    for (const name of ["fd61", "4d22"]) {
      const f = files("subtrees").find((x) => x.includes(`/${name}`)) as string;
      const want = serializeSubtreeNodes(parseSubtree(bytes(f)).nodes.map((n) => n.hash));
      expect(Buffer.compare((await get(`/subtree/${hashOf(f)}`)).body, want)).toBe(0);
    }

    const ddeb = files("subtrees").find((x) => x.includes("/8ddeb")) as string;
    const ddebNodes = parseSubtreeNodes((await get(`/subtree/${hashOf(ddeb)}`)).body);
    expect(ddebNodes.map(toDisplayHex)).toEqual([
      "f".repeat(64),
      "737218c851dba7b8ebc3478a859fff4f2a4750c122d4d0a2fcfbf455a1ba3553",
      "5ea59611a2c4dca13c2fd29b5fd22346253df89bc3f95cd5c19e88cb24087e56",
    ]);
    expect(await dataTxids(hashOf(ddeb), ddebNodes)).toEqual(realNodes(ddebNodes));
  });

  test("4d22 was imported without its txs: /subtree_data is a JSON 500 naming how many are missing, never a 200", async () => {
    const f = files("subtrees").find((x) => x.includes("/4d22")) as string;
    const got = await get(`/subtree_data/${hashOf(f)}`);
    expect(got.status).toBe(500);
    expect(got.type).toContain("application/json");
    const { message } = JSON.parse(new TextDecoder().decode(got.body));
    expect(message).toMatch(/\d+ transactions .*missing/);
  });

  test("/tx/:hash is each tx file as given (EF when the EF file was given, hex files decoded)", async () => {
    const txFiles = [...files("txs"), ...files("legacy-blocks").filter((x) => x.endsWith(".hex"))];
    for (const f of txFiles) {
      const hash = hashOf(f);
      // 65cbf… is given twice (standard and EF): the EF form wins, as Teranode's tx-meta does.
      if (f.endsWith("65cbf31895f6cab997e6c3688b2263808508adc69bcc9054eef5efac6f7895d3.bin")) continue;
      const raw = bytes(f);
      const want = f.endsWith(".hex") ? new Uint8Array(Buffer.from(new TextDecoder().decode(raw).trim(), "hex")) : raw;
      const got = await get(`/tx/${hash}`);
      expect(got.status).toBe(200);
      expect(Buffer.compare(got.body, want)).toBe(0);
    }
  });
});

describe.skipIf(!V)("import options", () => {
  test("--keep-subtree-data stores the given data file as .subtreeData and serves it as is", async () => {
    const dir = mkdtempSync(join(tmpdir(), "import-keep-"));
    dirs.push(dir);
    const base = join(V as string, "subtrees", "e973de16e606750feed45d7b02dcf493887ef27acabbd7913710b9f3454f2555");
    const run = await importCli(dir, ["--keep-subtree-data", `${base}.subtree`, `${base}.subtreeData`]);
    expect(run.code).toBe(0);
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const stored = await blobs.get(fromDisplayHex(hashOf(base)), "subtreeData");
    expect(stored && Buffer.compare(stored, bytes(`${base}.subtreeData`))).toBe(0);
  }, 30_000);

  test("a wire block with the F9BEB4D9+size prefix (as /rest/block/<hash>.bin serves it) imports and round-trips", async () => {
    const dir = mkdtempSync(join(tmpdir(), "import-prefixed-"));
    dirs.push(dir);
    const src = files("legacy-blocks").find((x) => x.includes("/00000000000000000ad4cd15")) as string;
    const plain = bytes(src);
    const prefixed = Buffer.concat([legacyBlockPrefix(plain.length, parseWireBlock(plain).txs.length), plain]);
    const file = join(dir, `${hashOf(src)}.bin`);
    writeFileSync(file, prefixed);
    expect((await importCli(dir, [file])).code).toBe(0);
    const txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const settings = { ...loadSettings({ env: {}, files: [] }) } as AssetSettings;
    const asset = createAssetServer({ settings, txStore: txs, blobStore: blobs, heightScanMs: 0 });
    const { url } = await asset.listen({ port: 0, hostname: "127.0.0.1" });
    const body = async (q: string) =>
      new Uint8Array(await (await fetch(`${url}/api/v1/block_legacy/${hashOf(src)}${q}`)).arrayBuffer());
    expect(Buffer.compare(await body(""), prefixed)).toBe(0);
    expect(Buffer.compare(await body("?wire=1"), plain)).toBe(0);
    await asset.shutdown({ graceMs: 0 });
    await txs.close();
  }, 30_000);

  test("--subtree-size 256 splits the 1356-tx block into 6 subtrees (last one short) and still reproduces the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "import-256-"));
    dirs.push(dir);
    const f = files("legacy-blocks").find((x) => x.includes("/00000000000000000488eecd")) as string;
    const run = await importCli(dir, ["--subtree-size", "256", "--json", f]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.failed).toEqual([]);
    expect(report.imported[0].kind).toBe("wire-block");
    const txs = await openTxStore(`sqlite://${dir}/tx.sqlite`);
    const blobs = await openBlobStore(`file://${dir}/blobs?fsync=none`);
    const settings = { ...loadSettings({ env: {}, files: [] }) } as AssetSettings;
    const asset = createAssetServer({ settings, txStore: txs, blobStore: blobs, heightScanMs: 0 });
    const { url } = await asset.listen({ port: 0, hostname: "127.0.0.1" });
    const json = await (await fetch(`${url}/api/v1/block/${hashOf(f)}/json`)).json();
    expect(json.subtrees).toHaveLength(6);
    const wire = new Uint8Array(await (await fetch(`${url}/api/v1/block_legacy/${hashOf(f)}?wire=1`)).arrayBuffer());
    expect(Buffer.compare(wire, bytes(f))).toBe(0);
    await asset.shutdown({ graceMs: 0 });
    await txs.close();
  }, 30_000);
});
