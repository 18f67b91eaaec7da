import type { Permit } from "@subtreekit/semaphore";
import { classify } from "../classify.ts";
import type { ServerContext } from "../context.ts";

/** Blocking reader permit with `asset_semaphore_timeout_ms`; a timeout becomes 503 + Retry-After. */
export async function acquireReader(ctx: ServerContext, signal: AbortSignal): Promise<Permit> {
  try {
    return await ctx.readerSem.acquire(1, { signal, timeoutMs: ctx.settings.asset_semaphore_timeout_ms });
  } catch (error) {
    throw classify(error, ctx.settings.asset_subtree_data_retry_after_s);
  }
}
