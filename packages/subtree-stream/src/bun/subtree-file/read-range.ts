import { MalformedDataError } from "../../errors/malformed-data-error.ts";
import { SUBTREE_MAGIC_BYTES } from "../../subtree/magic.ts";
import { SUBTREE_HEAD_BYTES } from "../../subtree/subtree.ts";

/** File offset of node 0: the blob store's magic, then the head. */
export const NODES_AT = SUBTREE_MAGIC_BYTES + SUBTREE_HEAD_BYTES;

/**
 * Bytes `[start, end)` of `path` (fewer at EOF). `Bun.file().slice()` opens, reads and closes in
 * one native call, where a `FileHandle` costs three thread-pool round trips: these reads are many
 * and small (a head, a JSON page), so the round trips are most of their cost.
 */
export async function readRange(path: string, start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
  signal?.throwIfAborted();
  const bytes = new Uint8Array(await Bun.file(path).slice(start, end).arrayBuffer());
  signal?.throwIfAborted();
  return bytes;
}

/** `SUBTREE_TRUNCATED` naming the file and where it ends. */
export function truncated(path: string, what: string, start: number, got: number): MalformedDataError {
  return new MalformedDataError("SUBTREE_TRUNCATED", `subtree file ends inside ${what}`, start + got, { path });
}
