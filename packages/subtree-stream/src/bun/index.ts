// Bun-only entry: atomic file sink on Bun's FileSink, followers (in process, or polling another
// process's file), the start-up sweep, and range reads of subtree files on Bun.file.
export {
  AtomicFileSink,
  type AtomicFileSinkOptions,
  type AtomicFileSinkState,
  createAtomicFileSink,
} from "./atomic-file-sink.ts";
export { FileExistsError } from "./file-exists-error.ts";
export { type Followable, type FollowCursor, type FollowOptions, followCursor, followFile } from "./follow.ts";
export { FollowError, type FollowErrorCode } from "./follow-error.ts";
export { type PollingFollowable, type PollingFollowableOptions, pollingFollowable } from "./polling-followable.ts";
export { SinkAbortedError } from "./sink-aborted-error.ts";
export { SinkClosedError } from "./sink-closed-error.ts";
export {
  readSubtreeFileConflicting,
  readSubtreeFileHead,
  readSubtreeFileNodeHashes,
  readSubtreeFileNodes,
  type SubtreeFileConflictingOptions,
  type SubtreeFileHead,
  type SubtreeFileNodeHashesOptions,
  storedTxSize,
} from "./subtree-file/index.ts";
export { type SweepTempFilesOptions, sweepTempFiles } from "./sweep-temp-files.ts";
export { TEMP_FILE_RE } from "./temp-name.ts";
