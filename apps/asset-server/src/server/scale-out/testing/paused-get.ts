import { connect, type Socket } from "node:net";

/** A GET whose reader the test controls: it stops reading after the first bytes, so the build it started stalls. */
export interface PausedGet {
  readonly socket: Socket;
  /** Raw bytes received so far (status line and chunk framing included). */
  received(): number;
  /** Resolves with the first bytes (the status line). */
  readonly firstBytes: Promise<void>;
  /** Resolves when the socket is closed, with how: "end" (FIN) or "error" (e.g. reset). */
  readonly closed: Promise<"end" | "error" | "close">;
  /** Reads for `ms`, then stops again: lets the stalled build move a little. */
  readFor(ms: number): Promise<void>;
  /** Reads about `n` more bytes (or until the socket closes), then stops again: moves the build by about that much. */
  readBytes(n: number): Promise<void>;
}

/**
 * Raw TCP GET that reads until the status line arrived and then stops reading: the server's
 * lockstep body stalls once the socket buffers are full, so the build is in progress for as long
 * as the test wants (Bun's `fetch` would keep reading into memory).
 */
export function pausedGet(url: string): PausedGet {
  const u = new URL(url);
  let bytes = 0;
  let target = Number.POSITIVE_INFINITY;
  let reached: (() => void) | undefined;
  let how: "end" | "error" | "close" = "close";
  let first!: () => void;
  const firstBytes = new Promise<void>((r) => {
    first = r;
  });
  const socket = connect(Number(u.port), u.hostname, () => {
    socket.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`);
  });
  socket.on("data", (d: Buffer) => {
    if (bytes === 0) {
      socket.pause();
      first();
    }
    bytes += d.length;
    if (bytes >= target) {
      socket.pause();
      target = Number.POSITIVE_INFINITY;
      reached?.();
    }
  });
  socket.on("end", () => {
    how = "end";
  });
  socket.on("error", () => {
    how = "error";
  });
  const closed = new Promise<"end" | "error" | "close">((r) =>
    socket.on("close", () => {
      reached?.();
      r(how);
    }),
  );
  return {
    socket,
    received: () => bytes,
    firstBytes,
    closed,
    readBytes(n) {
      target = bytes + n;
      const done = new Promise<void>((r) => {
        reached = r;
      });
      socket.resume();
      return done;
    },
    async readFor(ms) {
      socket.resume();
      await Bun.sleep(ms);
      socket.pause();
    },
  };
}
