export { readSubtreeFileConflicting, type SubtreeFileConflictingOptions } from "./conflicting.ts";
export { readSubtreeFileHead, type SubtreeFileHead } from "./head.ts";
export { readSubtreeFileNodeHashes, type SubtreeFileNodeHashesOptions, storedTxSize } from "./node-hashes.ts";
export { readSubtreeFileNodes } from "./nodes.ts";
