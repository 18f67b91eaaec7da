// Bun-only entry: atomic file sink on Bun's FileSink, with followers, and the start-up sweep.
export {
  AtomicFileSink,
  type AtomicFileSinkOptions,
  type AtomicFileSinkState,
  createAtomicFileSink,
} from "./atomic-file-sink.ts";
export { FileExistsError } from "./file-exists-error.ts";
export type { FollowOptions } from "./follow.ts";
export { SinkAbortedError } from "./sink-aborted-error.ts";
export { SinkClosedError } from "./sink-closed-error.ts";
export { type SweepTempFilesOptions, sweepTempFiles } from "./sweep-temp-files.ts";
export { TEMP_FILE_RE } from "./temp-name.ts";
