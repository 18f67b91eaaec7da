import { SubtreeStreamError } from "../errors.ts";

/** `write` on an atomic sink that is committing or committed: the file is sealed. */
export class SinkClosedError extends SubtreeStreamError {
  override name = "SinkClosedError" as const;
  declare readonly code: "SINK_CLOSED";
  constructor(path: string) {
    super("SINK_CLOSED", `atomic file sink for ${path} is already committed`);
  }
}
