import { ImportError } from "./import-error.ts";

/**
 * A file's bytes; `.hex` files are hex text (surrounding whitespace allowed) and are decoded, so
 * every offset reported for them is in decoded bytes.
 */
export async function readInput(path: string, hexText: boolean, signal?: AbortSignal): Promise<Uint8Array> {
  signal?.throwIfAborted();
  let bytes: Uint8Array;
  try {
    bytes = await Bun.file(path).bytes();
  } catch (err) {
    throw new ImportError("IO", path, 0, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  if (!hexText) return bytes;
  const text = new TextDecoder().decode(bytes).trim();
  const bad = text.search(/[^0-9a-fA-F]/);
  if (bad >= 0 || text.length % 2 !== 0) {
    const at = bad >= 0 ? bad : text.length;
    throw new ImportError("MALFORMED", path, at, "a .hex file must hold an even number of hex digits");
  }
  return new Uint8Array(Buffer.from(text, "hex"));
}

/**
 * Strips a Teranode blob-file magic (`S-1.0   `, `SD-1.0  `, `B-1.0   `, `T-1.0   `…) when the
 * file was copied straight out of a Teranode store; returns the payload and the bytes skipped.
 */
export function stripMagic(bytes: Uint8Array, magics: readonly string[]): { body: Uint8Array; base: number } {
  if (bytes.length >= 8) {
    let text = "";
    for (let i = 0; i < 8; i++) text += String.fromCharCode(bytes[i] === 0 ? 0x20 : (bytes[i] as number));
    if (magics.includes(text)) return { body: bytes.subarray(8), base: 8 };
  }
  return { body: bytes, base: 0 };
}
