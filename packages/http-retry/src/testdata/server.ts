import type { Server } from "bun";

/** Deterministic uniform [0, 1) (mulberry32), so statistical tests never flake. */
export { mulberry32 as seededRandom } from "@subtreekit/testkit";

/** What a test server saw. */
export interface Seen {
  count: number;
  ports: Set<number>;
  bodies: Uint8Array[];
  methods: string[];
}

/**
 * A real HTTP server on port 0 whose n-th response (1-based) comes from `respond`. Records
 * request count, client ports (to see connection reuse) and request bodies.
 */
export function testServer(respond: (n: number, req: Request) => Response | Promise<Response>) {
  const seen: Seen = { count: 0, ports: new Set(), bodies: [], methods: [] };
  const server: Server<undefined> = Bun.serve({
    port: 0,
    async fetch(req, srv) {
      const n = ++seen.count;
      seen.methods.push(req.method);
      const ip = srv.requestIP(req);
      if (ip) seen.ports.add(ip.port);
      if (req.method !== "GET" && req.method !== "HEAD" && !req.url.includes("nobody"))
        seen.bodies.push(new Uint8Array(await req.arrayBuffer()));
      return respond(n, req);
    },
  });
  return {
    url: `http://localhost:${server.port}`,
    seen,
    [Symbol.dispose]: () => void server.stop(true),
    stop: () => server.stop(true),
  };
}

/** A fixed sequence of statuses (the last one repeats), each with a small text body. */
export function statuses(...codes: number[]) {
  return (n: number) => {
    const status = codes[Math.min(n, codes.length) - 1]!;
    return new Response(status === 200 ? "ok" : "busy", { status });
  };
}

/** Sleeps that return at once and are recorded: backoff tests run in milliseconds. */
export function fakeSleep() {
  const sleeps: number[] = [];
  const sleep = async (ms: number, signal: AbortSignal) => {
    signal.throwIfAborted();
    sleeps.push(ms);
  };
  return { sleeps, sleep };
}
