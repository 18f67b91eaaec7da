import { type VerificationDetail, VerificationError } from "../errors/verification-error.ts";
import type { Session } from "../session.ts";
import { readAll } from "./body-chunks.ts";
import { peerFetch } from "./peer-fetch.ts";

/**
 * One request to one peer (`peerFetch`) and its whole body through `readAll`, so the attempt's
 * deadline and the stall timeout hold for every read. A body above `maxBytes` is bad data from
 * that peer: `VerificationError("TOO_LARGE")` with `tooLarge(bytesSoFar)` as its message.
 */
export async function peerFetchAll(
  s: Session,
  peer: string,
  path: string,
  o: { maxBytes: number; tooLarge: (bytes: number) => string; detail: VerificationDetail },
): Promise<Uint8Array> {
  const { response, url, deadline, stallMs } = await peerFetch(s, peer, path);
  return readAll(response.body, {
    signal: s.signal,
    deadline,
    stallMs,
    peer,
    url,
    maxBytes: o.maxBytes,
    sizeHint: Number(response.headers.get("content-length") ?? Number.NaN),
    onTooLarge: (n) => new VerificationError("TOO_LARGE", o.tooLarge(n), o.detail),
  });
}
