import { createServer, type Socket } from "node:net";

/** What a raw fault does with the socket of the request it takes over. */
export type RawFault = (socket: Socket) => void;

export interface RawPeer {
  /** Base URL including the API prefix, as a `--peer`. */
  url: string;
  /** Requests seen, as `METHOD /path` (API prefix stripped). */
  log: string[];
  stop(): Promise<void>;
}

/**
 * **Test double for misbehaviour a real HTTP server cannot be made to do**: a TCP server on
 * port 0 that writes raw bytes for the requests `fault` matches (a lying `Content-Length`,
 * headers and then silence, a connection closed at the first byte) and relays every other
 * request to `upstream` (a real `Bun.serve` peer) as an ordinary `Connection: close` response.
 */
export async function startRawPeer(
  upstream: string,
  pick: (method: string, path: string) => RawFault | undefined,
): Promise<RawPeer> {
  const log: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let head = "";
    const onData = (b: Buffer) => {
      head += b.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      const [method = "", target = ""] = head.slice(0, head.indexOf("\r\n")).split(" ");
      const path = target.replace(/^\/api\/v1/, "");
      log.push(`${method} ${path}`);
      const fault = pick(method, path);
      if (fault) fault(socket);
      else void relay(`${upstream}${path}`, method, socket);
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    log,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function relay(url: string, method: string, socket: Socket): Promise<void> {
  const r = await fetch(url, { method });
  const body = new Uint8Array(await r.arrayBuffer());
  socket.end(Buffer.concat([rawHead(r.status, body.length, r.headers.get("content-type") ?? ""), body]));
}

/** A response head with the given `Content-Length` (which need not be true). */
export function rawHead(status: number, contentLength: number, contentType = "application/octet-stream"): Buffer {
  return Buffer.from(
    `HTTP/1.1 ${status} X\r\ncontent-type: ${contentType}\r\ncontent-length: ${contentLength}\r\nconnection: close\r\n\r\n`,
    "latin1",
  );
}
