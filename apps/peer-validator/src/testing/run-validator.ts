import { join } from "node:path";
import { openTxStore } from "@subtreekit/stores";
import { listFiles } from "./temp-stores.ts";

export const MAIN = join(import.meta.dir, "..", "main.ts");

export interface ValidatorRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `subtreekit-validate` as a real child process in `cwd` (stores under ./validator-data);
 * `env` adds settings (e.g. `http_stall_timeout`).
 */
export async function runValidator(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<ValidatorRun> {
  const t0 = performance.now();
  const p = Bun.spawn(["bun", MAIN, ...args], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr, ms: performance.now() - t0 };
}

/** Files the validator left in `cwd`'s blob store (temp files included) and txs in its tx store. */
export async function storedIn(cwd: string): Promise<{ files: string[]; txs: number }> {
  const files = listFiles(join(cwd, "validator-data", "subtreestore"));
  const store = await openTxStore(`sqlite://${join(cwd, "validator-data", "txstore.sqlite")}`);
  try {
    return { files, txs: await store.count() };
  } finally {
    await store.close();
  }
}
