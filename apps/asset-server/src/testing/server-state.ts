import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import type { TestServer } from "./server.ts";
import { waitFor } from "./wait.ts";

/** Every file of a subtree's data in its directory: final, `.dah`, temp files. */
export const dataFiles = (s: TestServer, hash: Uint8Array): string[] =>
  readdirSync(dirname(s.blobs.path(hash, "subtreeData"))).filter((f) => f.includes("subtreeData"));

/** Waits until permits, builds and followers are all back to zero. */
export async function idle(s: TestServer): Promise<void> {
  const t = s.asset.testing;
  await waitFor(() => t.createInUse === 0 && t.readerInUse === 0 && t.buildsInFlight === 0, 5000, "permits released");
}

/** The value of the first `/metrics` line starting with `needle`; 0 when absent. */
export async function metric(s: TestServer, needle: string): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(needle));
  return line ? Number(line.split(" ").pop()) : 0;
}
