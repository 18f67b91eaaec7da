import { SubtreeStreamError } from "../errors.ts";

/** The coinbase placeholder (32 × 0xFF) appeared at a node other than node 0. */
export class MisplacedCoinbaseError extends SubtreeStreamError {
  override name = "MisplacedCoinbaseError" as const;
  declare readonly code: "MISPLACED_COINBASE";
  /** Node index where the placeholder was found. */
  readonly index: number;
  constructor(index: number) {
    super("MISPLACED_COINBASE", `coinbase placeholder at node ${index}; it is only legal as node 0`);
    this.index = index;
  }
}
