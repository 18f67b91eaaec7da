import type { TxStore } from "@subtreekit/stores";
import type { TxStorePort } from "../server/ports.ts";

/**
 * A fake delay in front of the real tx store: every `getTxs` waits `delayMs` first. Builds write
 * the file at the tx store's pace, not the client's, so a test that needs a build still running
 * when a client leaves (or the server shuts down) slows the store down with this.
 */
export function slowTxStore(delayMs: number): (real: TxStore) => TxStorePort {
  return (real) => ({
    getTx: (h) => real.getTx(h),
    close: () => real.close(),
    getTxs: async (hashes, signal) => {
      await Bun.sleep(delayMs);
      signal?.throwIfAborted();
      return real.getTxs(hashes, signal);
    },
  });
}
