import { connect } from "node:net";

export interface RawResult {
  status: number;
  headers: Record<string, string>;
  /** Decoded chunked body bytes received. */
  body: Uint8Array;
  /** True only when the zero-length terminating chunk arrived (a clean end). */
  terminated: boolean;
  /** How the socket ended: "end" (FIN), "error" (e.g. ECONNRESET) or "close". */
  closedBy: string;
}

/**
 * GET over a raw TCP socket, decoding chunked transfer encoding by hand, so a test can tell a
 * clean end (final `0\r\n\r\n`) from a truncated one — `fetch` hides that distinction.
 */
export function rawGet(url: string, { timeoutMs = 20_000 } = {}): Promise<RawResult> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let closedBy = "close";
    const s = connect(Number(u.port), u.hostname, () => {
      s.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`);
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error("raw GET timed out"));
    }, timeoutMs);
    s.on("data", (d: Buffer) => chunks.push(d));
    s.on("end", () => {
      closedBy = "end";
    });
    s.on("error", () => {
      closedBy = "error";
    });
    s.on("close", () => {
      clearTimeout(timer);
      try {
        resolve({ ...parse(Buffer.concat(chunks)), closedBy });
      } catch (e) {
        reject(e);
      }
    });
  });
}

function parse(raw: Buffer): Omit<RawResult, "closedBy"> {
  const headEnd = raw.indexOf("\r\n\r\n");
  if (headEnd < 0) return { status: 0, headers: {}, body: new Uint8Array(0), terminated: false };
  const lines = raw.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = Number(lines[0]?.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  let at = headEnd + 4;
  if (headers["transfer-encoding"] !== "chunked") {
    return { status, headers, body: raw.subarray(at), terminated: true };
  }
  const body: Buffer[] = [];
  let terminated = false;
  for (;;) {
    const eol = raw.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = Number.parseInt(raw.subarray(at, eol).toString("latin1"), 16);
    if (Number.isNaN(size)) break;
    if (size === 0) {
      terminated = raw.length >= eol + 4;
      break;
    }
    if (eol + 2 + size + 2 > raw.length) {
      body.push(raw.subarray(eol + 2, Math.min(raw.length, eol + 2 + size)));
      break;
    }
    body.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return { status, headers, body: Buffer.concat(body), terminated };
}
