import { SubtreeStreamError } from "../errors.ts";

/**
 * The build produced zero txs (no nodes, or only a coinbase placeholder and no coinbase). A
 * zero-byte subtree_data file would be served as a valid empty answer until it expires, so the
 * writer fails instead and the caller aborts its file (the reference's empty-generation guard).
 */
export class EmptySubtreeDataError extends SubtreeStreamError {
  override name = "EmptySubtreeDataError" as const;
  declare readonly code: "EMPTY_SUBTREE_DATA";
  constructor() {
    super("EMPTY_SUBTREE_DATA", "subtree data would be empty: zero txs written");
  }
}
