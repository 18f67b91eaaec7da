import type { Hono } from "hono";
import type { AppEnv, ServerContext } from "../context.ts";

/**
 * `/health`: liveness (the process answers) and readiness (stores answer, not shutting down).
 * 503 when not ready, so a load balancer drains this replica during shutdown.
 */
export function healthRoutes(app: Hono<AppEnv>, ctx: ServerContext): void {
  app.get("/health", async (c) => {
    const checks: Record<string, string> = {};
    try {
      await ctx.blobs.exists(new Uint8Array(32), "subtree");
      checks.blobStore = "ok";
    } catch (err) {
      checks.blobStore = String(err);
    }
    try {
      await ctx.txs.getTxs([new Uint8Array(32)]);
      checks.txStore = "ok";
    } catch (err) {
      checks.txStore = String(err);
    }
    const ready = !ctx.closing && Object.values(checks).every((v) => v === "ok");
    return c.json(
      {
        live: true,
        ready,
        closing: ctx.closing,
        checks,
        builds: ctx.builds.size,
        createPermitsInUse: ctx.createSem.inUse,
        readerPermitsInUse: ctx.readerSem.inUse,
        height: ctx.height.current,
      },
      ready ? 200 : 503,
    );
  });
  app.get("/metrics", async () => {
    return new Response(await ctx.metrics.registry.metrics(), {
      headers: { "content-type": ctx.metrics.registry.contentType },
    });
  });
}
