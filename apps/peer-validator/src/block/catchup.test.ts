import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catchup, type ValidatorEvent } from "../index.ts";
import { type RealServer, startRealServer } from "../testing/asset-server.ts";
import { type ImportedBlock, importBlock, syntheticTx } from "../testing/model-import.ts";
import { runValidator } from "../testing/run-validator.ts";
import { type TempStores, tempStores } from "../testing/temp-stores.ts";

describe("catchup against our asset server", () => {
  let server: RealServer;
  const chain: ImportedBlock[] = [];
  const temps: TempStores[] = [];
  const stores = async () => {
    const t = await tempStores();
    temps.push(t);
    return t;
  };

  beforeAll(async () => {
    server = await startRealServer();
    // four linked synthetic blocks (3 subtrees of 64 txs each); the first one's parent is unknown
    let prev: Uint8Array = crypto.getRandomValues(new Uint8Array(32));
    for (let h = 0; h < 4; h++) {
      const txs = Array.from({ length: 3 * 64 }, () => syntheticTx(220));
      const b = await importBlock(
        server,
        { header: crypto.getRandomValues(new Uint8Array(80)), txs, height: 100 + h },
        64,
        false,
        { prev },
      );
      chain.push(b);
      prev = b.raw;
    }
  });
  afterAll(async () => {
    await server?.close();
    for (const t of temps) await t.close();
  });

  const run = async (st: TempStores, o: { to: string; from?: string; maxBlocks?: number }) => {
    const events: ValidatorEvent[] = [];
    const r = await catchup({
      ...o,
      peers: [server.api],
      txStore: st.txStore,
      blobStore: st.blobStore,
      events: (e) => events.push(e),
    });
    const done = events.flatMap((e) => (e.type === "block-done" ? [e.block] : []));
    return { r, done, events };
  };

  test("walks back to the oldest block the peer has, validates forward in order, then stops at a stored block", async () => {
    const st = await stores();
    const first = await run(st, { to: chain[3]!.hash });
    expect(first.r.stoppedAt).toBe("peer-start");
    expect(first.done).toEqual(chain.map((b) => b.hash));
    expect(await st.txStore.count()).toBe(4 * (3 * 64 - 1));
    // prefetch: the next block's subtrees start before the current block is stored
    const at = (pred: (e: ValidatorEvent) => boolean) => first.events.findIndex(pred);
    const nextStarts = at((e) => e.type === "block-start" && e.block === chain[1]!.hash);
    const firstDone = at((e) => e.type === "block-done" && e.block === chain[0]!.hash);
    expect(nextStarts).toBeGreaterThan(-1);
    expect(nextStarts).toBeLessThan(firstDone);
    const again = await run(st, { to: chain[3]!.hash });
    expect(again.r.stoppedAt).toBe("stored");
    expect(again.done).toEqual([]);
  });

  test("--from bounds the walk (inclusive) and --max-blocks caps it", async () => {
    const a = await run(await stores(), { to: chain[3]!.hash, from: chain[1]!.hash });
    expect(a.r.stoppedAt).toBe("from");
    expect(a.done).toEqual([chain[1]!.hash, chain[2]!.hash, chain[3]!.hash]);
    const b = await run(await stores(), { to: chain[3]!.hash, maxBlocks: 2 });
    expect(b.r.stoppedAt).toBe("max-blocks");
    expect(b.done).toEqual([chain[2]!.hash, chain[3]!.hash]);
  });

  test("a stored block in the middle ends the walk there", async () => {
    const st = await stores();
    await run(st, { to: chain[1]!.hash });
    const r = await run(st, { to: chain[3]!.hash });
    expect(r.r.stoppedAt).toBe("stored");
    expect(r.done).toEqual([chain[2]!.hash, chain[3]!.hash]);
  });

  test("the CLI: catchup --to … --json walks and validates the chain, exit 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stk-validate-catchup-"));
    try {
      const r = await runValidator(["catchup", "--to", chain[3]!.hash, "--peer", server.api, "--json"], dir);
      expect(r.code).toBe(0);
      const lines = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines.find((l) => l.type === "catchup-plan").blocks).toEqual(chain.map((b) => b.hash));
      expect(lines.filter((l) => l.type === "block-done").map((l) => l.block)).toEqual(chain.map((b) => b.hash));
      expect(lines.at(-1)).toMatchObject({ type: "summary", outcome: "ok", blocks: 4, subtrees: 12 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
