import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { requireVectors, vectorPath } from "@subtreekit/testkit";
import { TxFormatError } from "./tx-scan.ts";
import { forEachTx } from "./tx-stream.ts";

const vectors = requireVectors("peer-validator tx stream splitting");

async function* chunked(bytes: Uint8Array, sizes: () => number) {
  for (let p = 0; p < bytes.length; ) {
    const n = Math.max(1, sizes());
    yield bytes.slice(p, p + n);
    p += n;
  }
}

async function collect(bytes: Uint8Array, sizes: () => number) {
  const ends: number[] = [];
  const verified: Uint8Array[] = [];
  let base = 0;
  const r = await forEachTx(chunked(bytes, sizes), 1 << 26, {
    tx(_buf, start, scan) {
      ends.push(scan.end - start);
      return true;
    },
    verified(b) {
      verified.push(b.slice());
      base += b.length;
    },
  });
  return { r, ends, verified: Buffer.concat(verified), base };
}

test.skipIf(!vectors)(
  "any chunking (1 byte, random, whole) gives the same txs and passes every byte through once",
  async () => {
    // 1024 standard txs (e973…) and 3 txs of 17 KB (8ddeb…, coinbase first)
    for (const name of [
      "e973de16e606750feed45d7b02dcf493887ef27acabbd7913710b9f3454f2555",
      "8ddeb634b22bcb3b5bbebdd74fdc4a4e2bfd92dc4a3f4c2ed43883607ab6a68a",
    ]) {
      const data = new Uint8Array(readFileSync(vectorPath("subtrees", `${name}.subtreeData`)));
      const whole = await collect(data, () => data.length);
      let seed = 7;
      const random = await collect(data, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 3000);
      let cut = 0;
      for (const len of whole.ends) if (cut + len <= 40_000) cut += len;
      const bytewise = await collect(data.subarray(0, cut), () => 1);
      expect(whole.r.bytes).toBe(data.length);
      expect(random.ends).toEqual(whole.ends);
      expect(random.verified.equals(Buffer.from(data))).toBe(true);
      expect(bytewise.r.bytes).toBe(cut);
      expect(bytewise.verified.equals(Buffer.from(data.subarray(0, cut)))).toBe(true);
    }
  },
);

test.skipIf(!vectors)("EOF inside a tx is an error (truncated), never a clean end", async () => {
  const data = new Uint8Array(
    readFileSync(
      vectorPath("subtrees", "e973de16e606750feed45d7b02dcf493887ef27acabbd7913710b9f3454f2555.subtreeData"),
    ),
  );
  const err = await collect(data.subarray(0, data.length - 1), () => 4096).catch((e) => e);
  expect(err).toBeInstanceOf(TxFormatError);
  expect(err.kind).toBe("truncated");
});
