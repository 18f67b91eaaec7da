// Test helpers: vector loading, chunked streams and a seeded PRNG. Not part of the package.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { requireVectors } from "@subtreekit/testkit";

/** Seeded PRNG (mulberry32) so fuzz failures reproduce. */
export { mulberry32 as rng } from "@subtreekit/testkit";

import { fromHex } from "../hash.ts";

/** The vectors folder, or undefined (tests skip) — throws under CI. */
export const VEC = requireVectors("subtree-stream conformance");

/** Bytes of a vector file (hex-text files decoded when `hex`). */
export function vec(rel: string, hex = false): Uint8Array {
  const raw = new Uint8Array(readFileSync(join(VEC as string, rel)));
  return hex ? fromHex(new TextDecoder().decode(raw).trim()) : raw;
}

// biome-ignore lint/suspicious/noExplicitAny: facts.json is free-form JSON
export function facts(): any {
  return JSON.parse(readFileSync(join(VEC as string, "facts.json"), "utf8"));
}

/** A stream of `bytes` cut at the given sorted offsets (each chunk a fresh copy). */
export function streamOf(bytes: Uint8Array, cuts: number[] = []): ReadableStream<Uint8Array> {
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length];
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= points.length - 1) return controller.close();
      controller.enqueue(bytes.slice(points[i], points[i + 1]));
      i++;
    },
  });
}

/** Random sorted cut points: `n` cuts, some 1 byte apart so a tx spans many tiny chunks. */
export function randomCuts(rand: () => number, length: number, n: number): number[] {
  const cuts: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * length);
    cuts.push(at);
    if (rand() < 0.3) for (let k = 1; k < 6; k++) cuts.push(at + k);
  }
  return [...new Set(cuts)].sort((a, b) => a - b);
}

/** Everything an async iterable yields. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
