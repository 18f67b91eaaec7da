import { isSubtreeStreamError } from "@subtreekit/subtree-stream";
import { PeerError } from "../errors/peer-error.ts";
import {
  type VerificationDetail,
  VerificationError,
  type VerificationErrorCode,
} from "../errors/verification-error.ts";

export interface StreamContext {
  peer: string;
  url: string;
  subtree: string;
  signal: AbortSignal;
  /** What was being read, for messages: "subtree_data" or "POST /txs answer". */
  what: string;
}

const CODES: Record<string, VerificationErrorCode> = {
  TX_HASH_MISMATCH: "TX_MISMATCH",
  TOO_MANY_TXS: "COUNT_MISMATCH",
  TOO_FEW_TXS: "COUNT_MISMATCH",
  TX_TRUNCATED: "TRUNCATED",
};

/**
 * Turns what a stream reader threw into the validator's classification: the run's cancel stays
 * the signal's reason; a `@subtreekit/subtree-stream` data error is the peer's bad data
 * (VerificationError, message naming peer, subtree, index, expected vs actual); a read that broke
 * off or hit the attempt timeout is the peer being unavailable (PeerError), so the next is tried.
 */
export function classifyStreamError(err: unknown, c: StreamContext): unknown {
  if (c.signal.aborted) return c.signal.reason;
  if (err instanceof VerificationError || err instanceof PeerError) return err;
  if (isSubtreeStreamError(err)) {
    const e = err as unknown as {
      code: string;
      message: string;
      index?: number;
      expected?: string | number;
      actual?: string | number;
    };
    const code = CODES[e.code] ?? "MALFORMED";
    const detail: VerificationDetail = { peer: c.peer, subtree: c.subtree };
    if (typeof e.index === "number") detail.index = e.index;
    if (e.expected !== undefined) detail.expected = String(e.expected);
    if (e.actual !== undefined) detail.actual = String(e.actual);
    const at = detail.index === undefined ? "" : ` at index ${detail.index}`;
    const what =
      code === "TX_MISMATCH"
        ? `tx${at} is ${detail.actual}, expected ${detail.expected}`
        : code === "COUNT_MISMATCH"
          ? `${e.code === "TOO_MANY_TXS" ? "more" : "fewer"} txs than nodes (${e.message})`
          : `${code === "TRUNCATED" ? "truncated" : "malformed"} tx${at} (${e.message})`;
    const source = c.what === "subtree_data" ? "" : ` (${c.what})`;
    return new VerificationError(code, `${c.peer}: subtree ${c.subtree}: ${what}${source}`, detail, { cause: err });
  }
  const name = (err as Error)?.name;
  if (name === "TimeoutError")
    return new PeerError("TIMEOUT", `${c.url}: body not complete within the attempt timeout`, c, { cause: err });
  return new PeerError("NETWORK", `${c.url}: body broke off: ${(err as Error)?.message ?? err}`, c, { cause: err });
}
