import type { FileHandle } from "node:fs/promises";

const CHUNK = 256 * 1024;

/**
 * Streams bytes `[start, end)` of an already open file and closes it at the end, on cancel or
 * on error. Reading through the handle that checked the header means a blob deleted meanwhile
 * (pruned, replaced) still streams completely: the inode lives until the handle closes.
 * Pull-based, so at most one chunk is read ahead of the consumer. Aborting `signal` errors the
 * stream with the signal's reason.
 */
export function fileRangeStream(
  fh: FileHandle,
  start: number,
  end: number,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  let pos = start;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close().catch(() => {});
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        signal?.throwIfAborted();
        if (pos >= end) {
          await close();
          controller.close();
          return;
        }
        const want = Math.min(CHUNK, end - pos);
        const buf = new Uint8Array(want);
        const { bytesRead } = await fh.read(buf, 0, want, pos);
        // The file shrank under us: a truncated body must be an error, never a clean end.
        if (bytesRead === 0) throw new Error(`file ended at byte ${pos}, expected ${end}`);
        pos += bytesRead;
        controller.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      } catch (err) {
        await close();
        controller.error(err);
      }
    },
    cancel: close,
  });
}
