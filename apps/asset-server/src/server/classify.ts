import { AssetHttpError } from "./errors.ts";

/**
 * Maps an error from the stores, the writer or the semaphore to the status a client gets.
 * Matched by `name` rather than `instanceof` so errors from another copy of a package (or a
 * test's fake store) are classified the same way. The reference guessed 404 from the substring
 * "not found" (spec §1.1); here every case is explicit.
 */
export function classify(err: unknown, retryAfterS: number): AssetHttpError {
  if (err instanceof AssetHttpError) return err;
  const e = err as { name?: string; message?: string; count?: number; missing?: number } | undefined;
  switch (e?.name) {
    case "MissingTxError": {
      const n = e.count ?? e.missing;
      return new AssetHttpError(
        "INTERNAL",
        `${n ?? "some"} transaction${n === 1 ? "" : "s"} of this subtree ${n === 1 ? "is" : "are"} missing from the tx store`,
        { cause: err },
      );
    }
    case "EmptySubtreeDataError":
      return new AssetHttpError("NOT_FOUND", "subtree has no transactions to serve", { cause: err });
    case "SemaphoreTimeoutError":
      return new AssetHttpError("UNAVAILABLE", "timed out waiting for a reader permit; retry later", {
        cause: err,
        retryAfterS,
      });
    case "ShutdownError":
      return new AssetHttpError("UNAVAILABLE", "server is shutting down; retry later", { cause: err, retryAfterS });
    default:
      return new AssetHttpError("INTERNAL", e?.message ?? String(err), { cause: err });
  }
}
