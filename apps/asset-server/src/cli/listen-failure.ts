/** Error fields Bun sets when binding a server socket fails (`Bun.serve` throws it). */
type SocketError = Error & { syscall?: string; code?: string };

const WHY: Record<string, string> = {
  EADDRINUSE: "address in use",
  EADDRNOTAVAIL: "address not available",
  EACCES: "permission denied",
};

/**
 * The one line `serve` and `start` print when they cannot bind, e.g. `cannot listen on
 * 127.0.0.1:8090: address in use` (issue 16: it used to be Bun's source excerpt and a stack).
 * `undefined` when `err` is not a failure to bind: that one is a bug and keeps its stack.
 */
export function listenFailure(err: unknown, at: { hostname: string; port: number }): string | undefined {
  const e = err as SocketError;
  if (!(err instanceof Error) || e.syscall !== "listen") return undefined;
  const host = at.hostname.includes(":") ? `[${at.hostname}]` : at.hostname;
  return `cannot listen on ${host}:${at.port}: ${(e.code && WHY[e.code]) ?? e.message}`;
}

/**
 * Binds `at` and lets go at once, throwing what `Bun.serve` would throw there. `start` calls it
 * before it seeds an empty store, so a taken port does not leave a seeded store behind. Another
 * process can still take the port in between; the real listen then fails the same way.
 */
export async function checkCanListen(at: { hostname: string; port: number }): Promise<void> {
  const probe = Bun.serve({ ...at, fetch: () => new Response(null, { status: 503 }) });
  await probe.stop(true);
}
