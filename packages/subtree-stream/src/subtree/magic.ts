/** 8-byte Teranode file-header magics that may precede a subtree (`pkg/fileformat`). */
export const SUBTREE_MAGICS = ["S-1.0   ", "SC-1.0  "] as const;

/** Length of a file-header magic. */
export const SUBTREE_MAGIC_BYTES = 8;

/** A subtree file magic. */
export type SubtreeMagic = (typeof SUBTREE_MAGICS)[number];

/**
 * The subtree magic at the start of `bytes`, if any. Trailing NULs count as spaces, as Teranode
 * normalises them on read.
 */
export function detectSubtreeMagic(bytes: Uint8Array): SubtreeMagic | undefined {
  if (bytes.length < SUBTREE_MAGIC_BYTES) return undefined;
  let text = "";
  for (let i = 0; i < SUBTREE_MAGIC_BYTES; i++)
    text += String.fromCharCode(bytes[i] === 0 ? 0x20 : (bytes[i] as number));
  return SUBTREE_MAGICS.find((m) => m === text);
}

/** The 8 ASCII bytes of `magic`. */
export function magicBytes(magic: SubtreeMagic): Uint8Array {
  return Uint8Array.from(magic, (c) => c.charCodeAt(0));
}
